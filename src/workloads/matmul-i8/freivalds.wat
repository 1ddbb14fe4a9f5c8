;; Freivalds' dot products for matmul-i8 (freivalds.ts has the arithmetic and its bounds).
;; Each function reads a block of matrix rows (contiguous, `len` elements each) against the two rounds' vectors,
;; which the caller zero-pads to a multiple of 16 elements, and writes each row's two dot products modulo
;; Q = 2^32 - 5 as residues in [0, Q). Rows are read 16 bytes at a time, past their end: the padding zeros cancel
;; whatever lies there (the next row, or the caller's slack after the last one).
(module
  (memory (export "memory") 1)

  ;; x mod Q in [0, Q), as the bits of an i32.
  (func $residue (param $x i64) (result i32)
    (local $r i64)
    (local.set $r (i64.rem_s (local.get $x) (i64.const 4294967291)))
    (if (i64.lt_s (local.get $r) (i64.const 0))
      (then (local.set $r (i64.add (local.get $r) (i64.const 4294967291)))))
    (i32.wrap_i64 (local.get $r)))

  (func $lanes (param $v v128) (result i64)
    (i64.add (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v))))

  ;; A congruent, smaller value of each lane: x = h 2^32 + l is congruent to 5 h + l modulo Q = 2^32 - 5.
  (func $fold (param $v v128) (result v128)
    (local $h v128)
    (local.set $h (i64x2.shr_s (local.get $v) (i32.const 32)))
    (i64x2.add
      (i64x2.add (i64x2.shl (local.get $h) (i32.const 2)) (local.get $h))
      (v128.and (local.get $v) (v128.const i64x2 0xffffffff 0xffffffff))))

  ;; int8 rows against two vectors given as 16-bit limbs, v = hi 2^16 + lo (lo, hi signed i16): at `vecs`, four i16
  ;; vectors `stride` bytes apart (lo of v1, hi of v1, lo of v2, hi of v2). out1[i] = row_i . v1, out2[i] = row_i . v2
  ;; (mod Q). A dot_i16x8 lane adds at most 2 * 2^7 * 2^15 = 2^23 per 8 bytes, so the i32 lanes widen into i64 every
  ;; 1024 bytes (64 * 2 * 2^23 = 2^30); every i64 sum is exact (freivalds.ts).
  (func (export "dotRowsI8")
    (param $mat i32) (param $rows i32) (param $len i32)
    (param $vecs i32) (param $stride i32) (param $out1 i32) (param $out2 i32)
    (local $row i32) (local $p i32) (local $end i32) (local $blockEnd i32)
    (local $v0 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32)
    (local $x v128) (local $xl v128) (local $xh v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $p (i32.add (local.get $mat) (i32.mul (local.get $row) (local.get $len))))
        (local.set $end (i32.add (local.get $p) (local.get $len)))
        (local.set $v0 (local.get $vecs))
        (local.set $v1 (i32.add (local.get $v0) (local.get $stride)))
        (local.set $v2 (i32.add (local.get $v1) (local.get $stride)))
        (local.set $v3 (i32.add (local.get $v2) (local.get $stride)))
        (local.set $t0 (v128.const i64x2 0 0))
        (local.set $t1 (v128.const i64x2 0 0))
        (local.set $t2 (v128.const i64x2 0 0))
        (local.set $t3 (v128.const i64x2 0 0))
        (block $colsDone
          (loop $blockLoop
            (br_if $colsDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $blockEnd (i32.add (local.get $p) (i32.const 1024)))
            (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
            (loop $colLoop
              (local.set $x (v128.load (local.get $p)))
              (local.set $xl (i16x8.extend_low_i8x16_s (local.get $x)))
              (local.set $xh (i16x8.extend_high_i8x16_s (local.get $x)))
            (local.set $s0 (i32x4.add (local.get $s0) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (v128.load offset=0 (local.get $v0)))
              (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $v0))))))
            (local.set $s1 (i32x4.add (local.get $s1) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (v128.load offset=0 (local.get $v1)))
              (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $v1))))))
            (local.set $s2 (i32x4.add (local.get $s2) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (v128.load offset=0 (local.get $v2)))
              (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $v2))))))
            (local.set $s3 (i32x4.add (local.get $s3) (i32x4.add
              (i32x4.dot_i16x8_s (local.get $xl) (v128.load offset=0 (local.get $v3)))
              (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $v3))))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $v0 (i32.add (local.get $v0) (i32.const 32)))
              (local.set $v1 (i32.add (local.get $v1) (i32.const 32)))
              (local.set $v2 (i32.add (local.get $v2) (i32.const 32)))
              (local.set $v3 (i32.add (local.get $v3) (i32.const 32)))
              (br_if $colLoop (i32.lt_u (local.get $p) (local.get $blockEnd))))
            (local.set $t0 (i64x2.add (local.get $t0) (i64x2.add
              (i64x2.extend_low_i32x4_s (local.get $s0)) (i64x2.extend_high_i32x4_s (local.get $s0)))))
            (local.set $s0 (v128.const i64x2 0 0))
            (local.set $t1 (i64x2.add (local.get $t1) (i64x2.add
              (i64x2.extend_low_i32x4_s (local.get $s1)) (i64x2.extend_high_i32x4_s (local.get $s1)))))
            (local.set $s1 (v128.const i64x2 0 0))
            (local.set $t2 (i64x2.add (local.get $t2) (i64x2.add
              (i64x2.extend_low_i32x4_s (local.get $s2)) (i64x2.extend_high_i32x4_s (local.get $s2)))))
            (local.set $s2 (v128.const i64x2 0 0))
            (local.set $t3 (i64x2.add (local.get $t3) (i64x2.add
              (i64x2.extend_low_i32x4_s (local.get $s3)) (i64x2.extend_high_i32x4_s (local.get $s3)))))
            (local.set $s3 (v128.const i64x2 0 0))
            (br $blockLoop)))
        (i32.store (i32.add (local.get $out1) (i32.shl (local.get $row) (i32.const 2)))
          (call $residue (i64.add (i64.shl (call $lanes (local.get $t1)) (i64.const 16)) (call $lanes (local.get $t0)))))
        (i32.store (i32.add (local.get $out2) (i32.shl (local.get $row) (i32.const 2)))
          (call $residue (i64.add (i64.shl (call $lanes (local.get $t3)) (i64.const 16)) (call $lanes (local.get $t2)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop))))

  ;; int32 rows against two i32 vectors `stride` bytes apart (r < 2^26): out1[i] = row_i . v1, out2[i] = row_i . v2
  ;; (mod Q). A product is below 2^57 in absolute value, so each i64 lane folds its sum every 32 products
  ;; (32 * 2^57 + 2^35 < 2^63).
  (func (export "dotRowsI32")
    (param $mat i32) (param $rows i32) (param $len i32)
    (param $v1 i32) (param $stride i32) (param $out1 i32) (param $out2 i32)
    (local $row i32) (local $p i32) (local $q1 i32) (local $q2 i32) (local $end i32) (local $blockEnd i32)
    (local $x v128) (local $r v128)
    (local $a1 v128) (local $b1 v128) (local $a2 v128) (local $b2 v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $p (i32.add (local.get $mat) (i32.shl (i32.mul (local.get $row) (local.get $len)) (i32.const 2))))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $len) (i32.const 2))))
        (local.set $q1 (local.get $v1))
        (local.set $q2 (i32.add (local.get $v1) (local.get $stride)))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $b1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $b2 (v128.const i64x2 0 0))
        (block $colsDone
          (loop $blockLoop
            (br_if $colsDone (i32.ge_u (local.get $p) (local.get $end)))
            ;; 32 iterations of 4 words: 32 products per lane.
            (local.set $blockEnd (i32.add (local.get $p) (i32.const 512)))
            (if (i32.gt_u (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
            (loop $colLoop
              (local.set $x (v128.load (local.get $p)))
              (local.set $r (v128.load (local.get $q1)))
              (local.set $a1 (i64x2.add (local.get $a1) (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $r))))
              (local.set $b1 (i64x2.add (local.get $b1) (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $r))))
              (local.set $r (v128.load (local.get $q2)))
              (local.set $a2 (i64x2.add (local.get $a2) (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $r))))
              (local.set $b2 (i64x2.add (local.get $b2) (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $r))))
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $q1 (i32.add (local.get $q1) (i32.const 16)))
              (local.set $q2 (i32.add (local.get $q2) (i32.const 16)))
              (br_if $colLoop (i32.lt_u (local.get $p) (local.get $blockEnd))))
            (local.set $a1 (call $fold (local.get $a1)))
            (local.set $b1 (call $fold (local.get $b1)))
            (local.set $a2 (call $fold (local.get $a2)))
            (local.set $b2 (call $fold (local.get $b2)))
            (br $blockLoop)))
        (i32.store (i32.add (local.get $out1) (i32.shl (local.get $row) (i32.const 2)))
          (call $residue (call $lanes (i64x2.add (local.get $a1) (local.get $b1)))))
        (i32.store (i32.add (local.get $out2) (i32.shl (local.get $row) (i32.const 2)))
          (call $residue (call $lanes (i64x2.add (local.get $a2) (local.get $b2)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rowLoop))))
)
