;; The matmul-i8 reference product (kernel.ts lays out the memory and calls these functions).
;;
;; The caller copies the int8 operands in; packA and packB sign-extend them to i16 and pack them so that each step
;; of the inner loop reads consecutive 16-byte vectors: A in pairs of rows, B^T in quads of columns, each group
;; interleaved 8 elements (one i16x8) at a time, the depth padded to kp, a multiple of 8 (zeros in B^T). One step
;; multiplies 8 depths of 2 rows by 8 depths of 4 columns with i32x4.dot_i16x8_s into 8 i32x4 accumulators (a 2x4
;; register block: each loaded vector feeds 2 or 4 dot products). Every addition is an i32 addition, so each element
;; is the exact sum mod 2^32 whatever the order.
(module
  (memory (export "memory") 1)

  ;; Packs a block of A's rows (int8, rows x k at $src) as i16 row pairs at $dst: each pair interleaves its two rows
  ;; 8 depths at a time. A row's last 8 depths may run into the next row: those values land in the padding depths,
  ;; which only ever meet B^T's zero padding depths.
  (func (export "packA") (param $src i32) (param $rows i32) (param $k i32) (param $kp i32) (param $dst i32)
    (local $r i32) (local $s i32) (local $d i32) (local $end i32)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $k))))
        (local.set $end (i32.add (local.get $s) (local.get $kp)))
        (local.set $d (i32.add (local.get $dst) (i32.add
          (i32.mul (i32.shr_u (local.get $r) (i32.const 1)) (i32.shl (local.get $kp) (i32.const 2)))
          (i32.shl (i32.and (local.get $r) (i32.const 1)) (i32.const 4)))))
        (loop $depthLoop
          (v128.store (local.get $d) (v128.load8x8_s (local.get $s)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $d (i32.add (local.get $d) (i32.const 32)))
          (br_if $depthLoop (i32.lt_u (local.get $s) (local.get $end))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; Packs B (int8, k x n at $src) transposed, as i16 column quads at $dst whose padding depths the caller zeroed:
  ;; each quad interleaves its four columns 8 depths at a time. A row's last quad may run into the next row: those
  ;; values land in padding columns, whose results are never copied out.
  (func (export "packB") (param $src i32) (param $k i32) (param $n i32) (param $kp i32) (param $dst i32)
    (local $p i32) (local $s i32) (local $d i32) (local $end i32) (local $quadBytes i32)
    (local.set $quadBytes (i32.shl (local.get $kp) (i32.const 3)))
    (block $depthsDone
      (loop $depthLoop
        (br_if $depthsDone (i32.ge_u (local.get $p) (local.get $k)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $n))))
        (local.set $end (i32.add (local.get $s) (local.get $n)))
        (local.set $d (i32.add (local.get $dst) (i32.add
          (i32.shl (i32.shr_u (local.get $p) (i32.const 3)) (i32.const 6))
          (i32.shl (i32.and (local.get $p) (i32.const 7)) (i32.const 1)))))
        (loop $quadLoop
          (i32.store16 offset=0 (local.get $d) (i32.load8_s offset=0 (local.get $s)))
          (i32.store16 offset=16 (local.get $d) (i32.load8_s offset=1 (local.get $s)))
          (i32.store16 offset=32 (local.get $d) (i32.load8_s offset=2 (local.get $s)))
          (i32.store16 offset=48 (local.get $d) (i32.load8_s offset=3 (local.get $s)))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (local.set $d (i32.add (local.get $d) (local.get $quadBytes)))
          (br_if $quadLoop (i32.lt_u (local.get $s) (local.get $end))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $depthLoop))))

  (func $sum (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; C (rows x np, i32 row-major at $c) = A (rows/2 packed row pairs at $a) x B (np/4 packed column quads at $bt).
  ;; rows is even, np a multiple of 4, colBlock a multiple of 4: the columns whose packed B^T stays in cache while
  ;; every row pair streams past.
  (func (export "multiplyPacked")
    (param $a i32) (param $rows i32) (param $bt i32) (param $np i32) (param $kp i32) (param $c i32)
    (param $colBlock i32)
    (local $pairBytes i32) (local $quadBytes i32) (local $cRowBytes i32)
    (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32)
    (local $pa i32) (local $pb i32) (local $p i32) (local $q i32) (local $end i32) (local $out i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $pairBytes (i32.shl (local.get $kp) (i32.const 2)))
    (local.set $quadBytes (i32.shl (local.get $kp) (i32.const 3)))
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
            (local.set $j (local.get $j0))
            (loop $colLoop
              (local.set $pb (i32.add (local.get $bt) (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (local.get $quadBytes))))
              (local.set $p (local.get $pa))
              (local.set $q (local.get $pb))
              (local.set $end (i32.add (local.get $pa) (local.get $pairBytes)))
              (local.set $s00 (v128.const i32x4 0 0 0 0))
              (local.set $s01 (v128.const i32x4 0 0 0 0))
              (local.set $s02 (v128.const i32x4 0 0 0 0))
              (local.set $s03 (v128.const i32x4 0 0 0 0))
              (local.set $s10 (v128.const i32x4 0 0 0 0))
              (local.set $s11 (v128.const i32x4 0 0 0 0))
              (local.set $s12 (v128.const i32x4 0 0 0 0))
              (local.set $s13 (v128.const i32x4 0 0 0 0))
              (loop $depthLoop
                (local.set $x0 (v128.load offset=0 (local.get $p)))
                (local.set $x1 (v128.load offset=16 (local.get $p)))
                (local.set $y (v128.load offset=0 (local.get $q)))
                (local.set $s00 (i32x4.add (local.get $s00) (i32x4.dot_i16x8_s (local.get $x0) (local.get $y))))
                (local.set $s10 (i32x4.add (local.get $s10) (i32x4.dot_i16x8_s (local.get $x1) (local.get $y))))
                (local.set $y (v128.load offset=16 (local.get $q)))
                (local.set $s01 (i32x4.add (local.get $s01) (i32x4.dot_i16x8_s (local.get $x0) (local.get $y))))
                (local.set $s11 (i32x4.add (local.get $s11) (i32x4.dot_i16x8_s (local.get $x1) (local.get $y))))
                (local.set $y (v128.load offset=32 (local.get $q)))
                (local.set $s02 (i32x4.add (local.get $s02) (i32x4.dot_i16x8_s (local.get $x0) (local.get $y))))
                (local.set $s12 (i32x4.add (local.get $s12) (i32x4.dot_i16x8_s (local.get $x1) (local.get $y))))
                (local.set $y (v128.load offset=48 (local.get $q)))
                (local.set $s03 (i32x4.add (local.get $s03) (i32x4.dot_i16x8_s (local.get $x0) (local.get $y))))
                (local.set $s13 (i32x4.add (local.get $s13) (i32x4.dot_i16x8_s (local.get $x1) (local.get $y))))
                (local.set $p (i32.add (local.get $p) (i32.const 32)))
                (local.set $q (i32.add (local.get $q) (i32.const 64)))
                (br_if $depthLoop (i32.lt_u (local.get $p) (local.get $end))))
              (local.set $out (i32.add (local.get $c)
                (i32.add (i32.mul (local.get $i) (local.get $cRowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
              (i32.store offset=0 (local.get $out) (call $sum (local.get $s00)))
              (i32.store offset=4 (local.get $out) (call $sum (local.get $s01)))
              (i32.store offset=8 (local.get $out) (call $sum (local.get $s02)))
              (i32.store offset=12 (local.get $out) (call $sum (local.get $s03)))
              (local.set $out (i32.add (local.get $out) (local.get $cRowBytes)))
              (i32.store offset=0 (local.get $out) (call $sum (local.get $s10)))
              (i32.store offset=4 (local.get $out) (call $sum (local.get $s11)))
              (i32.store offset=8 (local.get $out) (call $sum (local.get $s12)))
              (i32.store offset=12 (local.get $out) (call $sum (local.get $s13)))
              (local.set $j (i32.add (local.get $j) (i32.const 4)))
              (br_if $colLoop (i32.lt_u (local.get $j) (local.get $j1))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $rowLoop)))
        (local.set $j0 (local.get $j1))
        (br $colBlockLoop))))
)
