;; ReLU and its gradient with 128-bit SIMD, on chunks copied into this module's memory (simd-kernels.ts).
;; Pointers are byte offsets; $n is a multiple of 4 (callers round up: the buffers have room, the extra lanes
;; are not copied out).
(module
  (memory (export "memory") 1)

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
)
