;; The matmul-i8 reference product (kernel.ts lays out the memory and calls these functions).
;;
;; The caller copies the int8 operands in; packA and packB sign-extend them to i16 and pack them as depth pairs (two
;; consecutive depths of one row or column, one i32), the depth padded to kp, a multiple of 8 (zeros in B): A in row
;; pairs, each depth pair of both rows consecutive; B in groups of 16 columns, each depth pair of the 16 columns
;; consecutive (64 bytes). One step of the inner loop broadcasts a depth pair of each row (v128.load32_splat) and
;; multiplies it with the 16 columns' depth pair with i32x4.dot_i16x8_s into 8 i32x4 accumulators, each 4 adjacent
;; elements of C (a 2 x 16 register block: every loaded vector feeds 2 or 4 dot products, and no horizontal sums).
;; Every addition is an i32 addition, so each element is the exact sum mod 2^32 whatever the order.
(module
  (memory (export "memory") 1)

;; Packs a block of A's rows (int8, rows x k at $src) as i16 row pairs at $dst: pair r/2 at $dst + (r/2) 4 kp,
  ;; depth pair q of row r at 8 q + 4 (r mod 2). A row's last 8 depths may run into the next row: those values land
  ;; in the padding depths, which only ever meet B's zero padding depths.
  (func (export "packA") (param $src i32) (param $rows i32) (param $k i32) (param $kp i32) (param $dst i32)
    (local $r i32) (local $s i32) (local $d i32) (local $end i32) (local $x v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $k))))
        (local.set $end (i32.add (local.get $s) (local.get $kp)))
        (local.set $d (i32.add (local.get $dst) (i32.add
          (i32.mul (i32.shr_u (local.get $r) (i32.const 1)) (i32.shl (local.get $kp) (i32.const 2)))
          (i32.shl (i32.and (local.get $r) (i32.const 1)) (i32.const 2)))))
        (loop $depthLoop
          (local.set $x (v128.load8x8_s (local.get $s)))
          (v128.store32_lane offset=0 0 (local.get $d) (local.get $x))
          (v128.store32_lane offset=8 1 (local.get $d) (local.get $x))
          (v128.store32_lane offset=16 2 (local.get $d) (local.get $x))
          (v128.store32_lane offset=24 3 (local.get $d) (local.get $x))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $d (i32.add (local.get $d) (i32.const 32)))
          (br_if $depthLoop (i32.lt_u (local.get $s) (local.get $end))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; Packs B (int8, k x n at $src) as i16 groups of 16 columns at $dst, np columns (a multiple of 16): group g at
  ;; $dst + g 32 kp, depth pair q of column c at 64 q + 4 c. 8 columns of two rows at a time, interleaved by one
  ;; shuffle per 4 columns; depths from k on are zeros. A row's last 8 columns may run into the next row (or past
  ;; the last one, by up to 15 bytes): those values land in padding columns, whose results are never copied out.
  (func (export "packB") (param $src i32) (param $k i32) (param $n i32) (param $np i32) (param $kp i32)
    (param $dst i32)
    (local $p i32) (local $j i32) (local $s i32) (local $d i32) (local $groupBytes i32)
    (local $x0 v128) (local $x1 v128)
    (local.set $groupBytes (i32.shl (local.get $kp) (i32.const 5)))
    (block $depthsDone
      (loop $depthLoop
        (br_if $depthsDone (i32.ge_u (local.get $p) (local.get $kp)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $n))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 5))))
        (local.set $j (i32.const 0))
        (loop $columnLoop
          (local.set $x0 (v128.const i32x4 0 0 0 0))
          (local.set $x1 (v128.const i32x4 0 0 0 0))
          (if (i32.lt_u (local.get $p) (local.get $k))
            (then (local.set $x0 (v128.load64_zero (local.get $s)))))
          (if (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $k))
            (then (local.set $x1 (v128.load64_zero (i32.add (local.get $s) (local.get $n))))))
          ;; Bytes (p, j), (p + 1, j), (p, j + 1), ...: the depth pairs of 8 columns, sign-extended 4 at a time.
          (local.set $x0 (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $x0) (local.get $x1)))
          (local.set $x1 (i16x8.extend_high_i8x16_s (local.get $x0)))
          (local.set $x0 (i16x8.extend_low_i8x16_s (local.get $x0)))
          (v128.store offset=0 (local.get $d) (local.get $x0))
          (v128.store offset=16 (local.get $d) (local.get $x1))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          ;; 8 columns of a group are 32 bytes; the next group is $groupBytes further on.
          (local.set $d (i32.add (local.get $d)
            (select (i32.sub (local.get $groupBytes) (i32.const 32)) (i32.const 32)
              (i32.eqz (i32.and (local.get $j) (i32.const 15))))))
          (br_if $columnLoop (i32.lt_u (local.get $j) (local.get $np))))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $depthLoop))))

  ;; C (rows x np, i32 row-major at $c) = A (rows/2 packed row pairs at $a) x B (np/16 packed column groups at $bt).
  ;; rows is even, np and colBlock multiples of 16, kp a multiple of 8: colBlock columns of packed B stay in cache
  ;; while every row pair streams past.
  (func (export "multiplyPacked")
    (param $a i32) (param $rows i32) (param $bt i32) (param $np i32) (param $kp i32) (param $c i32)
    (param $colBlock i32)
    (local $pairBytes i32) (local $groupBytes i32) (local $cRowBytes i32)
    (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32)
    (local $pa i32) (local $p i32) (local $q i32) (local $end i32) (local $out i32)
    (local $x v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $pairBytes (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $groupBytes (i32.shl (local.get $kp) (i32.const 5)))
    (local.set $cRowBytes (i32.shl (local.get $np) (i32.const 2)))
    (block $colBlocksDone
      (loop $colBlockLoop
        (br_if $colBlocksDone (i32.ge_u (local.get $j0) (local.get $np)))
        (local.set $j1 (i32.add (local.get $j0) (local.get $colBlock)))
        (if (i32.gt_u (local.get $j1) (local.get $np)) (then (local.set $j1 (local.get $np))))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
            (local.set $pa (i32.add (local.get $a) (i32.mul (i32.shr_u (local.get $i) (i32.const 1)) (local.get $pairBytes))))
            (local.set $end (i32.add (local.get $pa) (local.get $pairBytes)))
            (local.set $j (local.get $j0))
            (loop $colLoop
              (local.set $p (local.get $pa))
              (local.set $q (i32.add (local.get $bt) (i32.mul (i32.shr_u (local.get $j) (i32.const 4)) (local.get $groupBytes))))
              (local.set $s00 (v128.const i32x4 0 0 0 0))
              (local.set $s01 (v128.const i32x4 0 0 0 0))
              (local.set $s02 (v128.const i32x4 0 0 0 0))
              (local.set $s03 (v128.const i32x4 0 0 0 0))
              (local.set $s10 (v128.const i32x4 0 0 0 0))
              (local.set $s11 (v128.const i32x4 0 0 0 0))
              (local.set $s12 (v128.const i32x4 0 0 0 0))
              (local.set $s13 (v128.const i32x4 0 0 0 0))
              (loop $depthLoop
                (local.set $y0 (v128.load offset=0 (local.get $q)))
                (local.set $y1 (v128.load offset=16 (local.get $q)))
                (local.set $y2 (v128.load offset=32 (local.get $q)))
                (local.set $y3 (v128.load offset=48 (local.get $q)))
                (local.set $x (v128.load32_splat offset=0 (local.get $p)))
                (local.set $s00 (i32x4.add (local.get $s00) (i32x4.dot_i16x8_s (local.get $x) (local.get $y0))))
                (local.set $s01 (i32x4.add (local.get $s01) (i32x4.dot_i16x8_s (local.get $x) (local.get $y1))))
                (local.set $s02 (i32x4.add (local.get $s02) (i32x4.dot_i16x8_s (local.get $x) (local.get $y2))))
                (local.set $s03 (i32x4.add (local.get $s03) (i32x4.dot_i16x8_s (local.get $x) (local.get $y3))))
                (local.set $x (v128.load32_splat offset=4 (local.get $p)))
                (local.set $s10 (i32x4.add (local.get $s10) (i32x4.dot_i16x8_s (local.get $x) (local.get $y0))))
                (local.set $s11 (i32x4.add (local.get $s11) (i32x4.dot_i16x8_s (local.get $x) (local.get $y1))))
                (local.set $s12 (i32x4.add (local.get $s12) (i32x4.dot_i16x8_s (local.get $x) (local.get $y2))))
                (local.set $s13 (i32x4.add (local.get $s13) (i32x4.dot_i16x8_s (local.get $x) (local.get $y3))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $q (i32.add (local.get $q) (i32.const 64)))
                (br_if $depthLoop (i32.lt_u (local.get $p) (local.get $end))))
              (local.set $out (i32.add (local.get $c)
                (i32.add (i32.mul (local.get $i) (local.get $cRowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
              (v128.store offset=0 (local.get $out) (local.get $s00))
              (v128.store offset=16 (local.get $out) (local.get $s01))
              (v128.store offset=32 (local.get $out) (local.get $s02))
              (v128.store offset=48 (local.get $out) (local.get $s03))
              (local.set $out (i32.add (local.get $out) (local.get $cRowBytes)))
              (v128.store offset=0 (local.get $out) (local.get $s10))
              (v128.store offset=16 (local.get $out) (local.get $s11))
              (v128.store offset=32 (local.get $out) (local.get $s12))
              (v128.store offset=48 (local.get $out) (local.get $s13))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $colLoop (i32.lt_u (local.get $j) (local.get $j1))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $rowLoop)))
        (local.set $j0 (local.get $j1))
        (br $colBlockLoop))))
)
