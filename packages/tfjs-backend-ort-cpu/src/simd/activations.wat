;; ReLU, PReLU and their gradients with 128-bit SIMD, on chunks copied into this module's memory
;; (simd-kernels.ts). Pointers are byte offsets. For ReLU $n is a multiple of 4 (callers round up: the buffers
;; have room, the extra lanes are not copied out); PReLU's tensors are [rows, n] with one slope per column,
;; n a multiple of 4.
(module
  (memory (export "memory") 1)

  ;; Adds the f32x4 partial sums $v (columns c..c+3) to the f64 sums at $at (byte offset of column c).
  (func $addToF64 (param $at i32) (param $v v128)
    (v128.store (local.get $at)
      (f64x2.add (v128.load (local.get $at)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $at)
      (f64x2.add (v128.load offset=16 (local.get $at))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))

  ;; y = x < 0 ? 0 : x, tfjs's rule: NaN stays NaN and −0 stays −0 (pmax(x, 0) is exactly that select).
  (func (export "relu") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y) (f32x4.pmax (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $each))))

  ;; dx = dy · sign(y) for ReLU's output y ≥ 0: sign(y) = ceil(min(y, 1)) is 1 for y > 0, ±0 for ±0, NaN for NaN
  ;; (min propagates NaN), as tfjs's dy·step(x) gives.
  (func (export "reluGradient") (param $dy i32) (param $y i32) (param $dx i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $dx)
          (f32x4.mul (v128.load (local.get $dy))
            (f32x4.ceil (f32x4.min (v128.load (local.get $y)) (v128.const f32x4 1 1 1 1)))))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $each))))
;; y = x < 0 ? α·x : x (tfjs's rule), α per column.
  (func (export "prelu") (param $x i32) (param $alpha i32) (param $y i32) (param $rows i32) (param $n i32)
    (local $rowBytes i32) (local $end i32) (local $c i32) (local $v v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $c (i32.const 0))
        (loop $groups
          (local.set $v (v128.load (i32.add (local.get $x) (local.get $c))))
          (v128.store (i32.add (local.get $y) (local.get $c))
            (v128.bitselect
              (f32x4.mul (local.get $v) (v128.load (i32.add (local.get $alpha) (local.get $c))))
              (local.get $v)
              (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $groups (i32.lt_u (local.get $c) (local.get $rowBytes))))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (br $rowLoop))))

  ;; dx = x > 0 ? dy : α·dy, and dα += Σ dy·x over the rows where x ≤ 0 (or NaN), in blocks of 64 rows: f32x4
  ;; partial sums per block, then the f64 sums at $dAlpha.
  (func (export "preluGradient") (param $dy i32) (param $x i32) (param $alpha i32) (param $dx i32) (param $dAlpha i32) (param $rows i32) (param $n i32)
    (local $rowBytes i32) (local $r0 i32) (local $r1 i32) (local $c i32) (local $p i32) (local $end i32)
    (local $a v128) (local $acc v128) (local $g v128) (local $v v128) (local $positive v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $r1 (i32.add (local.get $r0) (i32.const 64)))
        (if (i32.gt_u (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
        (local.set $c (i32.const 0))
        (loop $groups
          (local.set $a (v128.load (i32.add (local.get $alpha) (local.get $c))))
          (local.set $acc (v128.const f32x4 0 0 0 0))
          (local.set $p (i32.add (i32.mul (local.get $r0) (local.get $rowBytes)) (local.get $c)))
          (local.set $end (i32.add (local.get $p) (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $rowBytes))))
          (loop $rowsInBlock
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $p))))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
            (local.set $positive (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)))
            (v128.store (i32.add (local.get $dx) (local.get $p))
              (v128.bitselect (local.get $g) (f32x4.mul (local.get $g) (local.get $a)) (local.get $positive)))
            (local.set $acc (f32x4.add (local.get $acc)
              (v128.andnot (f32x4.mul (local.get $g) (local.get $v)) (local.get $positive))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (br_if $rowsInBlock (i32.lt_u (local.get $p) (local.get $end))))
          (call $addToF64 (i32.add (local.get $dAlpha) (i32.shl (local.get $c) (i32.const 1))) (local.get $acc))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $groups (i32.lt_u (local.get $c) (local.get $rowBytes))))
        (local.set $r0 (local.get $r1))
        (br $blocks))))
)
