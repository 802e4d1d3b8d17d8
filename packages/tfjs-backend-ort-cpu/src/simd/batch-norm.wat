;; Training-mode batch norm's four passes with 128-bit SIMD, four channels per vector. Compiled at run time
;; (simd-kernels.ts); called on chunks of rows copied into this module's memory.
;;
;; Every tensor is [rows, ch] (NHWC flattened), ch a multiple of 4. Pointers are byte offsets; per-channel
;; vectors are f32 (mean, factor, beta, a, b, k) or f64 (the sums, accumulated into, never reset here).
;; Sums run as f32 vectors over blocks of 64 rows, then are added to the f64 sums: 64 terms keep the f32
;; rounding far below the 1e-4 the kernels are held to, and the f64 totals do not drift over a million rows.
(module
  (memory (export "memory") 1)

  ;; Adds the f32x4 partial sums $v (channels c..c+3) to the f64 sums at $at (byte offset of channel c).
  (func $addToF64 (param $at i32) (param $v v128)
    (v128.store (local.get $at)
      (f64x2.add (v128.load (local.get $at)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $at)
      (f64x2.add (v128.load offset=16 (local.get $at))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))

  ;; sum += Σ (x − shift), sq += Σ (x − shift)² per channel.
  (func (export "moments") (param $x i32) (param $rows i32) (param $ch i32) (param $shift i32) (param $sum i32) (param $sq i32)
    (local $stride i32) (local $r0 i32) (local $r1 i32) (local $c i32) (local $p i32) (local $end i32)
    (local $k v128) (local $s v128) (local $q v128) (local $d v128)
    (local.set $stride (i32.shl (local.get $ch) (i32.const 2)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $r1 (i32.add (local.get $r0) (i32.const 64)))
        (if (i32.gt_u (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
        (local.set $c (i32.const 0))
        (loop $groups
          (local.set $k (v128.load (i32.add (local.get $shift) (i32.shl (local.get $c) (i32.const 2)))))
          (local.set $s (v128.const f32x4 0 0 0 0))
          (local.set $q (v128.const f32x4 0 0 0 0))
          (local.set $p (i32.add (local.get $x) (i32.add (i32.mul (local.get $r0) (local.get $stride)) (i32.shl (local.get $c) (i32.const 2)))))
          (local.set $end (i32.add (local.get $p) (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $stride))))
          (loop $rowsInBlock
            (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $k)))
            (local.set $s (f32x4.add (local.get $s) (local.get $d)))
            (local.set $q (f32x4.add (local.get $q) (f32x4.mul (local.get $d) (local.get $d))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br_if $rowsInBlock (i32.lt_u (local.get $p) (local.get $end))))
          (call $addToF64 (i32.add (local.get $sum) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
          (call $addToF64 (i32.add (local.get $sq) (i32.shl (local.get $c) (i32.const 3))) (local.get $q))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $groups (i32.lt_u (local.get $c) (local.get $ch))))
        (local.set $r0 (local.get $r1))
        (br $blocks))))

  ;; y = (x − mean)·factor + beta per channel. Centring first keeps a large mean from cancelling in f32.
  (func (export "normalize") (param $x i32) (param $y i32) (param $rows i32) (param $ch i32) (param $mean i32) (param $factor i32) (param $beta i32)
    (local $rowBytes i32) (local $end i32) (local $c i32)
    (local.set $rowBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $c (i32.const 0))
        (loop $groups
          (v128.store (i32.add (local.get $y) (local.get $c))
            (f32x4.add
              (f32x4.mul
                (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $c))) (v128.load (i32.add (local.get $mean) (local.get $c))))
                (v128.load (i32.add (local.get $factor) (local.get $c))))
              (v128.load (i32.add (local.get $beta) (local.get $c)))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $groups (i32.lt_u (local.get $c) (local.get $rowBytes))))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
        (br $rowLoop))))

  ;; sumDy += Σ dy, sumDyCentred += Σ dy·(x − mean) per channel.
  (func (export "gradientSums") (param $dy i32) (param $x i32) (param $rows i32) (param $ch i32) (param $mean i32) (param $sumDy i32) (param $sumDyCentred i32)
    (local $stride i32) (local $r0 i32) (local $r1 i32) (local $c i32) (local $offset i32) (local $p i32) (local $end i32)
    (local $m v128) (local $s v128) (local $sc v128) (local $g v128)
    (local.set $stride (i32.shl (local.get $ch) (i32.const 2)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $r1 (i32.add (local.get $r0) (i32.const 64)))
        (if (i32.gt_u (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
        (local.set $c (i32.const 0))
        (loop $groups
          (local.set $m (v128.load (i32.add (local.get $mean) (i32.shl (local.get $c) (i32.const 2)))))
          (local.set $s (v128.const f32x4 0 0 0 0))
          (local.set $sc (v128.const f32x4 0 0 0 0))
          ;; $p walks the row offset; dy and x share it.
          (local.set $p (i32.add (i32.mul (local.get $r0) (local.get $stride)) (i32.shl (local.get $c) (i32.const 2))))
          (local.set $end (i32.add (local.get $p) (i32.mul (i32.sub (local.get $r1) (local.get $r0)) (local.get $stride))))
          (loop $rowsInBlock
            (local.set $g (v128.load (i32.add (local.get $dy) (local.get $p))))
            (local.set $s (f32x4.add (local.get $s) (local.get $g)))
            (local.set $sc (f32x4.add (local.get $sc)
              (f32x4.mul (local.get $g) (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $p))) (local.get $m)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (br_if $rowsInBlock (i32.lt_u (local.get $p) (local.get $end))))
          (call $addToF64 (i32.add (local.get $sumDy) (i32.shl (local.get $c) (i32.const 3))) (local.get $s))
          (call $addToF64 (i32.add (local.get $sumDyCentred) (i32.shl (local.get $c) (i32.const 3))) (local.get $sc))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $groups (i32.lt_u (local.get $c) (local.get $ch))))
        (local.set $r0 (local.get $r1))
        (br $blocks))))

  ;; dx = a·dy + b·(x − mean) + k per channel.
  (func (export "gradientDx") (param $dy i32) (param $x i32) (param $dx i32) (param $rows i32) (param $ch i32) (param $mean i32) (param $a i32) (param $b i32) (param $k i32)
    (local $rowBytes i32) (local $p i32) (local $end i32) (local $c i32) (local $at i32)
    (local.set $rowBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $end (i32.mul (local.get $rows) (local.get $rowBytes)))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.const 0))
        (loop $groups
          (local.set $at (i32.add (local.get $p) (local.get $c)))
          (v128.store (i32.add (local.get $dx) (local.get $at))
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $at))) (v128.load (i32.add (local.get $a) (local.get $c))))
                (f32x4.mul
                  (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $at))) (v128.load (i32.add (local.get $mean) (local.get $c))))
                  (v128.load (i32.add (local.get $b) (local.get $c)))))
              (v128.load (i32.add (local.get $k) (local.get $c)))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $groups (i32.lt_u (local.get $c) (local.get $rowBytes))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (br $rowLoop))))
)
