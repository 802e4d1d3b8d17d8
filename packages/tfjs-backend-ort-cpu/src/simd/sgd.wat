;; One SGD-with-momentum step over a chunk of a variable (harness/fused-ops/sgd-momentum-step.ts), with 128-bit
;; SIMD. Every operation is an f32 operation in the order of the tfjs ops it replaces (WebAssembly does not fuse
;; multiply-adds), so the result has the same bits. $n is a multiple of 4 (callers round up).
(module
  (memory (export "memory") 1)

  ;; g ← g + λ·w (when $useDecay);  v ← μ·v + g;  w ← w − lr·v.
  (func (export "sgdMomentumStep") (param $w i32) (param $v i32) (param $g i32) (param $wOut i32) (param $vOut i32) (param $n i32)
      (param $lr f32) (param $momentum f32) (param $useDecay i32) (param $decay f32)
    (local $i i32) (local $end i32) (local $lrs v128) (local $mus v128) (local $decays v128) (local $grad v128) (local $vel v128) (local $weight v128)
    (local.set $lrs (f32x4.splat (local.get $lr)))
    (local.set $mus (f32x4.splat (local.get $momentum)))
    (local.set $decays (f32x4.splat (local.get $decay)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $weight (v128.load (i32.add (local.get $w) (local.get $i))))
        (local.set $grad (v128.load (i32.add (local.get $g) (local.get $i))))
        (if (local.get $useDecay)
          (then (local.set $grad (f32x4.add (local.get $grad) (f32x4.mul (local.get $weight) (local.get $decays))))))
        (local.set $vel (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $mus)) (local.get $grad)))
        (v128.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vel))
        (v128.store (i32.add (local.get $wOut) (local.get $i)) (f32x4.sub (local.get $weight) (f32x4.mul (local.get $vel) (local.get $lrs))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $each))))
)
