;; Pixel-major to channel-major copy with 128-bit SIMD (4×4 float transposes), for the filter gradient's dy grid
;; (../filter-gradient-rows.ts). $src holds $pixels pixels of $ch floats ($ch a multiple of 4); channel c of
;; pixel p goes to float c·$stride + p of $dst.
(module
  (memory (export "memory") 1)

  (func (export "toChannelMajor") (param $src i32) (param $dst i32) (param $pixels i32) (param $ch i32) (param $stride i32)
    (local $rowBytes i32) (local $strideBytes i32) (local $p i32) (local $c i32) (local $s i32) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $lo01 v128) (local $lo23 v128) (local $hi01 v128) (local $hi23 v128)
    (local.set $rowBytes (i32.shl (local.get $ch) (i32.const 2)))
    (local.set $strideBytes (i32.shl (local.get $stride) (i32.const 2)))
    ;; Four pixels at a time: four rows of four channels, transposed into four channels of four pixels.
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $pixels)))
        (local.set $c (i32.const 0))
        (loop $groups
          (local.set $s (i32.add (local.get $src) (i32.add (i32.mul (local.get $p) (local.get $rowBytes)) (i32.shl (local.get $c) (i32.const 2)))))
          (local.set $r0 (v128.load (local.get $s)))
          (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
          (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
          (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
          (local.set $lo01 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
          (local.set $lo23 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
          (local.set $hi01 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
          (local.set $hi23 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
          (local.set $d (i32.add (local.get $dst) (i32.add (i32.mul (local.get $c) (local.get $strideBytes)) (i32.shl (local.get $p) (i32.const 2)))))
          (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo01) (local.get $lo23)))
          (local.set $d (i32.add (local.get $d) (local.get $strideBytes)))
          (v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lo01) (local.get $lo23)))
          (local.set $d (i32.add (local.get $d) (local.get $strideBytes)))
          (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $hi01) (local.get $hi23)))
          (local.set $d (i32.add (local.get $d) (local.get $strideBytes)))
          (v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $hi01) (local.get $hi23)))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br_if $groups (i32.lt_u (local.get $c) (local.get $ch))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $quads)))
    ;; The last pixels, one float at a time.
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_u (local.get $p) (local.get $pixels)))
        (local.set $c (i32.const 0))
        (loop $channels
          (f32.store
            (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $stride)) (local.get $p)) (i32.const 2)))
            (f32.load (i32.add (local.get $src) (i32.add (i32.mul (local.get $p) (local.get $rowBytes)) (i32.shl (local.get $c) (i32.const 2))))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $channels (i32.lt_u (local.get $c) (local.get $ch))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $rest))))
)
