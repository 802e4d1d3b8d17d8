;; 2×2, stride-2 max pooling over NHWC and its gradient with 128-bit SIMD, four channels per vector, on chunks
;; of output rows copied into this module's memory (simd-kernels.ts). The input's two rows per output row are
;; consecutive ($pair bytes: two input rows); $ch is a multiple of 4.
;;
;; tfjs's rule for a window: scan it row by row from −∞, keeping a pixel only when it is strictly greater. So
;; NaN never wins, ties keep the first, and a window of only NaN / −∞ yields −∞ and passes no gradient.
;; pmax(m, v) = m < v ? v : m is exactly that step.
(module
  (memory (export "memory") 1)

  (func $windowMax (param $p i32) (param $ch4 i32) (param $row i32) (result v128)
    (f32x4.pmax
      (f32x4.pmax
        (f32x4.pmax
          (f32x4.pmax (v128.const f32x4 -inf -inf -inf -inf) (v128.load (local.get $p)))
          (v128.load (i32.add (local.get $p) (local.get $ch4))))
        (v128.load (i32.add (local.get $p) (local.get $row))))
      (v128.load (i32.add (local.get $p) (i32.add (local.get $row) (local.get $ch4))))))

  ;; y[r, c, :] = max of x's window; $outRows output rows of $outW pixels.
  (func (export "maxPool") (param $x i32) (param $y i32) (param $outRows i32) (param $outW i32) (param $ch i32)
    (local $ch4 i32) (local $row i32) (local $r i32) (local $c i32) (local $g i32) (local $p i32)
    (local.set $ch4 (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $row (i32.shl (local.get $outW) (i32.const 1)))
    (local.set $row (i32.mul (local.get $row) (local.get $ch4)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $outRows)))
        (local.set $c (i32.const 0))
        (loop $cols
          (local.set $p (i32.add (local.get $x)
            (i32.add (i32.mul (local.get $r) (i32.shl (local.get $row) (i32.const 1)))
                     (i32.mul (local.get $c) (i32.shl (local.get $ch4) (i32.const 1))))))
          (local.set $g (i32.const 0))
          (loop $groups
            (v128.store (local.get $y) (call $windowMax (i32.add (local.get $p) (local.get $g)) (local.get $ch4) (local.get $row)))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $g) (local.get $ch4))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $c) (local.get $outW))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; dx: each output's dy at its window's first maximum, zero elsewhere (dx covers the chunk's input rows).
  (func (export "maxPoolGradient") (param $x i32) (param $dy i32) (param $dx i32) (param $outRows i32) (param $outW i32) (param $ch i32)
    (local $ch4 i32) (local $row i32) (local $r i32) (local $c i32) (local $g i32) (local $p i32) (local $at i32)
    (local $m v128) (local $g0 v128) (local $taken v128) (local $e v128)
    (local.set $ch4 (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $row (i32.mul (i32.shl (local.get $outW) (i32.const 1)) (local.get $ch4)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $outRows)))
        (local.set $c (i32.const 0))
        (loop $cols
          (local.set $p (i32.add (i32.mul (local.get $r) (i32.shl (local.get $row) (i32.const 1)))
                                 (i32.mul (local.get $c) (i32.shl (local.get $ch4) (i32.const 1)))))
          (local.set $g (i32.const 0))
          (loop $groups
            (local.set $at (i32.add (local.get $p) (local.get $g)))
            (local.set $m (call $windowMax (i32.add (local.get $x) (local.get $at)) (local.get $ch4) (local.get $row)))
            (local.set $g0 (v128.load (local.get $dy)))
            ;; Lanes whose maximum is −∞ (only NaN / −∞ pixels) start as taken: they pass nothing.
            (local.set $taken (f32x4.eq (local.get $m) (v128.const f32x4 -inf -inf -inf -inf)))
            ;; Position 0 (top left)
            (local.set $e (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $at))) (local.get $m)) (local.get $taken)))
            (v128.store (i32.add (local.get $dx) (local.get $at)) (v128.and (local.get $g0) (local.get $e)))
            (local.set $taken (v128.or (local.get $taken) (local.get $e)))
            ;; Position 1 (top right)
            (local.set $at (i32.add (local.get $at) (local.get $ch4)))
            (local.set $e (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $at))) (local.get $m)) (local.get $taken)))
            (v128.store (i32.add (local.get $dx) (local.get $at)) (v128.and (local.get $g0) (local.get $e)))
            (local.set $taken (v128.or (local.get $taken) (local.get $e)))
            ;; Position 2 (bottom left)
            (local.set $at (i32.sub (i32.add (local.get $at) (local.get $row)) (local.get $ch4)))
            (local.set $e (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $at))) (local.get $m)) (local.get $taken)))
            (v128.store (i32.add (local.get $dx) (local.get $at)) (v128.and (local.get $g0) (local.get $e)))
            (local.set $taken (v128.or (local.get $taken) (local.get $e)))
            ;; Position 3 (bottom right)
            (local.set $at (i32.add (local.get $at) (local.get $ch4)))
            (local.set $e (v128.andnot (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $at))) (local.get $m)) (local.get $taken)))
            (v128.store (i32.add (local.get $dx) (local.get $at)) (v128.and (local.get $g0) (local.get $e)))
            (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $g) (local.get $ch4))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $c) (local.get $outW))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
)
