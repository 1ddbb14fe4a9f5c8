;; Keccak-256 (Ethereum's keccak256: Keccak-f[1600], rate 136 bytes, 0x01 padding) and the OpenZeppelin-shaped
;; Merkle tree of src/commitments/merkle.ts, batched: one call hashes every leaf of a tree, one call hashes every
;; internal node, so the cost of crossing from JavaScript into WebAssembly is paid twice per tree, not once per hash.
;;
;; Own code rather than hash-wasm (the npm package, 303 MiB/s on one large buffer here): its API hashes one message
;; per call through a JavaScript wrapper (~0.7 us a call), and a tree is ~10^4..10^5 messages of 32..1,200 bytes,
;; so that overhead alone would cost as much as the hashing; it cannot hash a batch of messages in one call.
;;
;; The permutation is written out lane by lane (25 i64 locals for the state, 25 for the rho-pi output, 10 for
;; theta), the round loop kept, so that TurboFan keeps the state in registers; test/offchain/keccak.test.ts checks it
;; against ethers' keccak256 and the trees against OpenZeppelin's SimpleMerkleTree.
(module
  (memory (export "memory") 1)

  ;; The 24 round constants of Keccak-f[1600] (iota), little-endian, at address 0.
  (data (i32.const 0)
    "\01\00\00\00\00\00\00\00"
    "\82\80\00\00\00\00\00\00"
    "\8a\80\00\00\00\00\00\80"
    "\00\80\00\80\00\00\00\80"
    "\8b\80\00\00\00\00\00\00"
    "\01\00\00\80\00\00\00\00"
    "\81\80\00\80\00\00\00\80"
    "\09\80\00\00\00\00\00\80"
    "\8a\00\00\00\00\00\00\00"
    "\88\00\00\00\00\00\00\00"
    "\09\80\00\80\00\00\00\00"
    "\0a\00\00\80\00\00\00\00"
    "\8b\80\00\80\00\00\00\00"
    "\8b\00\00\00\00\00\00\80"
    "\89\80\00\00\00\00\00\80"
    "\03\80\00\00\00\00\00\80"
    "\02\80\00\00\00\00\00\80"
    "\80\00\00\00\00\00\00\80"
    "\0a\80\00\00\00\00\00\00"
    "\0a\00\00\80\00\00\00\80"
    "\81\80\00\80\00\00\00\80"
    "\80\80\00\00\00\00\00\80"
    "\01\00\00\80\00\00\00\00"
    "\08\80\00\80\00\00\00\80")

  ;; The last (padded) block of a message is assembled here: 136 bytes, the rate of Keccak-256.
  (global $PAD i32 (i32.const 192))
  ;; A node's two children, in sorted order, are copied here to be hashed as one 64-byte message.
  (global $PAIR i32 (i32.const 328))
  ;; The caller's memory starts here (the space below is the kernel's own).
  (global (export "heap_base") i32 (i32.const 512))

  ;; out[0..32) = keccak256(memory[ptr..ptr+len)). The whole state lives in 25 i64 locals, which V8 keeps in
  ;; registers or on its stack, never in linear memory. out may overlap the message: it is written last.
  (func $keccak256 (export "keccak256") (param $ptr i32) (param $len i32) (param $out i32)
    (local $p i32) (local $blocks i32) (local $tail i32) (local $round i32)
    (local $a0 i64) (local $a1 i64) (local $a2 i64) (local $a3 i64) (local $a4 i64) (local $a5 i64) (local $a6 i64) (local $a7 i64)
    (local $a8 i64) (local $a9 i64) (local $a10 i64) (local $a11 i64) (local $a12 i64) (local $a13 i64) (local $a14 i64) (local $a15 i64)
    (local $a16 i64) (local $a17 i64) (local $a18 i64) (local $a19 i64) (local $a20 i64) (local $a21 i64) (local $a22 i64) (local $a23 i64)
    (local $a24 i64)
    (local $b0 i64) (local $b1 i64) (local $b2 i64) (local $b3 i64) (local $b4 i64) (local $b5 i64) (local $b6 i64) (local $b7 i64)
    (local $b8 i64) (local $b9 i64) (local $b10 i64) (local $b11 i64) (local $b12 i64) (local $b13 i64) (local $b14 i64) (local $b15 i64)
    (local $b16 i64) (local $b17 i64) (local $b18 i64) (local $b19 i64) (local $b20 i64) (local $b21 i64) (local $b22 i64) (local $b23 i64)
    (local $b24 i64)
    (local $c0 i64) (local $c1 i64) (local $c2 i64) (local $c3 i64) (local $c4 i64) (local $d0 i64) (local $d1 i64) (local $d2 i64)
    (local $d3 i64) (local $d4 i64)
    ;; Keccak's padding (pad10*1 with the 0x01 domain byte, not SHA-3's 0x06) of the partial last block.
    (local.set $blocks (i32.div_u (local.get $len) (i32.const 136)))
    (local.set $tail (i32.sub (local.get $len) (i32.mul (local.get $blocks) (i32.const 136))))
    (memory.fill (global.get $PAD) (i32.const 0) (i32.const 136))
    (memory.copy (global.get $PAD) (i32.add (local.get $ptr) (i32.sub (local.get $len) (local.get $tail))) (local.get $tail))
    (i32.store8 (i32.add (global.get $PAD) (local.get $tail)) (i32.const 0x01))
    (i32.store8 offset=135 (global.get $PAD)
      (i32.or (i32.load8_u offset=135 (global.get $PAD)) (i32.const 0x80)))
    ;; Absorb every full block, then the padded one (blocks counts down to -1).
    (local.set $p (local.get $ptr))
    (loop $absorb
      (if (i32.eqz (local.get $blocks)) (then (local.set $p (global.get $PAD))))
        (local.set $a0 (i64.xor (local.get $a0) (i64.load offset=0 (local.get $p))))
        (local.set $a1 (i64.xor (local.get $a1) (i64.load offset=8 (local.get $p))))
        (local.set $a2 (i64.xor (local.get $a2) (i64.load offset=16 (local.get $p))))
        (local.set $a3 (i64.xor (local.get $a3) (i64.load offset=24 (local.get $p))))
        (local.set $a4 (i64.xor (local.get $a4) (i64.load offset=32 (local.get $p))))
        (local.set $a5 (i64.xor (local.get $a5) (i64.load offset=40 (local.get $p))))
        (local.set $a6 (i64.xor (local.get $a6) (i64.load offset=48 (local.get $p))))
        (local.set $a7 (i64.xor (local.get $a7) (i64.load offset=56 (local.get $p))))
        (local.set $a8 (i64.xor (local.get $a8) (i64.load offset=64 (local.get $p))))
        (local.set $a9 (i64.xor (local.get $a9) (i64.load offset=72 (local.get $p))))
        (local.set $a10 (i64.xor (local.get $a10) (i64.load offset=80 (local.get $p))))
        (local.set $a11 (i64.xor (local.get $a11) (i64.load offset=88 (local.get $p))))
        (local.set $a12 (i64.xor (local.get $a12) (i64.load offset=96 (local.get $p))))
        (local.set $a13 (i64.xor (local.get $a13) (i64.load offset=104 (local.get $p))))
        (local.set $a14 (i64.xor (local.get $a14) (i64.load offset=112 (local.get $p))))
        (local.set $a15 (i64.xor (local.get $a15) (i64.load offset=120 (local.get $p))))
        (local.set $a16 (i64.xor (local.get $a16) (i64.load offset=128 (local.get $p))))
      (local.set $round (i32.const 0))
      (loop $rounds
        ;; theta (the column parities), rho and pi into b, chi back into a, then iota.
        (local.set $c0 (i64.xor (i64.xor (i64.xor (local.get $a0) (local.get $a5)) (i64.xor (local.get $a10) (local.get $a15))) (local.get $a20)))
        (local.set $c1 (i64.xor (i64.xor (i64.xor (local.get $a1) (local.get $a6)) (i64.xor (local.get $a11) (local.get $a16))) (local.get $a21)))
        (local.set $c2 (i64.xor (i64.xor (i64.xor (local.get $a2) (local.get $a7)) (i64.xor (local.get $a12) (local.get $a17))) (local.get $a22)))
        (local.set $c3 (i64.xor (i64.xor (i64.xor (local.get $a3) (local.get $a8)) (i64.xor (local.get $a13) (local.get $a18))) (local.get $a23)))
        (local.set $c4 (i64.xor (i64.xor (i64.xor (local.get $a4) (local.get $a9)) (i64.xor (local.get $a14) (local.get $a19))) (local.get $a24)))
        (local.set $d0 (i64.xor (local.get $c4) (i64.rotl (local.get $c1) (i64.const 1))))
        (local.set $d1 (i64.xor (local.get $c0) (i64.rotl (local.get $c2) (i64.const 1))))
        (local.set $d2 (i64.xor (local.get $c1) (i64.rotl (local.get $c3) (i64.const 1))))
        (local.set $d3 (i64.xor (local.get $c2) (i64.rotl (local.get $c4) (i64.const 1))))
        (local.set $d4 (i64.xor (local.get $c3) (i64.rotl (local.get $c0) (i64.const 1))))
        (local.set $b0 (i64.xor (local.get $a0) (local.get $d0)))
        (local.set $b10 (i64.rotl (i64.xor (local.get $a1) (local.get $d1)) (i64.const 1)))
        (local.set $b20 (i64.rotl (i64.xor (local.get $a2) (local.get $d2)) (i64.const 62)))
        (local.set $b5 (i64.rotl (i64.xor (local.get $a3) (local.get $d3)) (i64.const 28)))
        (local.set $b15 (i64.rotl (i64.xor (local.get $a4) (local.get $d4)) (i64.const 27)))
        (local.set $b16 (i64.rotl (i64.xor (local.get $a5) (local.get $d0)) (i64.const 36)))
        (local.set $b1 (i64.rotl (i64.xor (local.get $a6) (local.get $d1)) (i64.const 44)))
        (local.set $b11 (i64.rotl (i64.xor (local.get $a7) (local.get $d2)) (i64.const 6)))
        (local.set $b21 (i64.rotl (i64.xor (local.get $a8) (local.get $d3)) (i64.const 55)))
        (local.set $b6 (i64.rotl (i64.xor (local.get $a9) (local.get $d4)) (i64.const 20)))
        (local.set $b7 (i64.rotl (i64.xor (local.get $a10) (local.get $d0)) (i64.const 3)))
        (local.set $b17 (i64.rotl (i64.xor (local.get $a11) (local.get $d1)) (i64.const 10)))
        (local.set $b2 (i64.rotl (i64.xor (local.get $a12) (local.get $d2)) (i64.const 43)))
        (local.set $b12 (i64.rotl (i64.xor (local.get $a13) (local.get $d3)) (i64.const 25)))
        (local.set $b22 (i64.rotl (i64.xor (local.get $a14) (local.get $d4)) (i64.const 39)))
        (local.set $b23 (i64.rotl (i64.xor (local.get $a15) (local.get $d0)) (i64.const 41)))
        (local.set $b8 (i64.rotl (i64.xor (local.get $a16) (local.get $d1)) (i64.const 45)))
        (local.set $b18 (i64.rotl (i64.xor (local.get $a17) (local.get $d2)) (i64.const 15)))
        (local.set $b3 (i64.rotl (i64.xor (local.get $a18) (local.get $d3)) (i64.const 21)))
        (local.set $b13 (i64.rotl (i64.xor (local.get $a19) (local.get $d4)) (i64.const 8)))
        (local.set $b14 (i64.rotl (i64.xor (local.get $a20) (local.get $d0)) (i64.const 18)))
        (local.set $b24 (i64.rotl (i64.xor (local.get $a21) (local.get $d1)) (i64.const 2)))
        (local.set $b9 (i64.rotl (i64.xor (local.get $a22) (local.get $d2)) (i64.const 61)))
        (local.set $b19 (i64.rotl (i64.xor (local.get $a23) (local.get $d3)) (i64.const 56)))
        (local.set $b4 (i64.rotl (i64.xor (local.get $a24) (local.get $d4)) (i64.const 14)))
        (local.set $a0 (i64.xor (local.get $b0) (i64.and (i64.xor (local.get $b1) (i64.const -1)) (local.get $b2))))
        (local.set $a1 (i64.xor (local.get $b1) (i64.and (i64.xor (local.get $b2) (i64.const -1)) (local.get $b3))))
        (local.set $a2 (i64.xor (local.get $b2) (i64.and (i64.xor (local.get $b3) (i64.const -1)) (local.get $b4))))
        (local.set $a3 (i64.xor (local.get $b3) (i64.and (i64.xor (local.get $b4) (i64.const -1)) (local.get $b0))))
        (local.set $a4 (i64.xor (local.get $b4) (i64.and (i64.xor (local.get $b0) (i64.const -1)) (local.get $b1))))
        (local.set $a5 (i64.xor (local.get $b5) (i64.and (i64.xor (local.get $b6) (i64.const -1)) (local.get $b7))))
        (local.set $a6 (i64.xor (local.get $b6) (i64.and (i64.xor (local.get $b7) (i64.const -1)) (local.get $b8))))
        (local.set $a7 (i64.xor (local.get $b7) (i64.and (i64.xor (local.get $b8) (i64.const -1)) (local.get $b9))))
        (local.set $a8 (i64.xor (local.get $b8) (i64.and (i64.xor (local.get $b9) (i64.const -1)) (local.get $b5))))
        (local.set $a9 (i64.xor (local.get $b9) (i64.and (i64.xor (local.get $b5) (i64.const -1)) (local.get $b6))))
        (local.set $a10 (i64.xor (local.get $b10) (i64.and (i64.xor (local.get $b11) (i64.const -1)) (local.get $b12))))
        (local.set $a11 (i64.xor (local.get $b11) (i64.and (i64.xor (local.get $b12) (i64.const -1)) (local.get $b13))))
        (local.set $a12 (i64.xor (local.get $b12) (i64.and (i64.xor (local.get $b13) (i64.const -1)) (local.get $b14))))
        (local.set $a13 (i64.xor (local.get $b13) (i64.and (i64.xor (local.get $b14) (i64.const -1)) (local.get $b10))))
        (local.set $a14 (i64.xor (local.get $b14) (i64.and (i64.xor (local.get $b10) (i64.const -1)) (local.get $b11))))
        (local.set $a15 (i64.xor (local.get $b15) (i64.and (i64.xor (local.get $b16) (i64.const -1)) (local.get $b17))))
        (local.set $a16 (i64.xor (local.get $b16) (i64.and (i64.xor (local.get $b17) (i64.const -1)) (local.get $b18))))
        (local.set $a17 (i64.xor (local.get $b17) (i64.and (i64.xor (local.get $b18) (i64.const -1)) (local.get $b19))))
        (local.set $a18 (i64.xor (local.get $b18) (i64.and (i64.xor (local.get $b19) (i64.const -1)) (local.get $b15))))
        (local.set $a19 (i64.xor (local.get $b19) (i64.and (i64.xor (local.get $b15) (i64.const -1)) (local.get $b16))))
        (local.set $a20 (i64.xor (local.get $b20) (i64.and (i64.xor (local.get $b21) (i64.const -1)) (local.get $b22))))
        (local.set $a21 (i64.xor (local.get $b21) (i64.and (i64.xor (local.get $b22) (i64.const -1)) (local.get $b23))))
        (local.set $a22 (i64.xor (local.get $b22) (i64.and (i64.xor (local.get $b23) (i64.const -1)) (local.get $b24))))
        (local.set $a23 (i64.xor (local.get $b23) (i64.and (i64.xor (local.get $b24) (i64.const -1)) (local.get $b20))))
        (local.set $a24 (i64.xor (local.get $b24) (i64.and (i64.xor (local.get $b20) (i64.const -1)) (local.get $b21))))
        (local.set $a0 (i64.xor (local.get $a0) (i64.load (i32.shl (local.get $round) (i32.const 3)))))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br_if $rounds (i32.lt_u (local.get $round) (i32.const 24))))
      (local.set $p (i32.add (local.get $p) (i32.const 136)))
      (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
      (br_if $absorb (i32.ge_s (local.get $blocks) (i32.const 0))))
    (i64.store offset=0 (local.get $out) (local.get $a0))
    (i64.store offset=8 (local.get $out) (local.get $a1))
    (i64.store offset=16 (local.get $out) (local.get $a2))
    (i64.store offset=24 (local.get $out) (local.get $a3)))

  ;; The OZ standard leaf hash keccak256(keccak256(message)) of `count` messages of `length` bytes, message i at
  ;; messages + i * stride. Leaf i's hash goes to out - 32 i: OZ's layout puts leaf i at node 2L - 2 - i, so `out`
  ;; is leaf 0's slot in the node array and the leaves fill it downwards.
  (func (export "standard_leaves")
    (param $messages i32) (param $stride i32) (param $length i32) (param $count i32) (param $out i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (call $keccak256 (local.get $messages) (local.get $length) (local.get $out))
        (call $keccak256 (local.get $out) (i32.const 32) (local.get $out))
        (local.set $messages (i32.add (local.get $messages) (local.get $stride)))
        (local.set $out (i32.sub (local.get $out) (i32.const 32)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next))))

  ;; 1 if the 32-byte hash at $left sorts before or equal to the one at $right (as bytes, i.e. as uint256).
  (func $ordered (param $left i32) (param $right i32) (result i32)
    (local $i i32) (local $x i32) (local $y i32)
    (block $differ
      (loop $next
        (local.set $x (i32.load8_u (i32.add (local.get $left) (local.get $i))))
        (local.set $y (i32.load8_u (i32.add (local.get $right) (local.get $i))))
        (br_if $differ (i32.ne (local.get $x) (local.get $y)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (i32.const 32)))))
    (i32.le_u (local.get $x) (local.get $y)))

  ;; Copies the 32-byte hash at $from to $to.
  (func $copy_hash (param $from i32) (param $to i32)
    (i64.store (local.get $to) (i64.load (local.get $from)))
    (i64.store offset=8 (local.get $to) (i64.load offset=8 (local.get $from)))
    (i64.store offset=16 (local.get $to) (i64.load offset=16 (local.get $from)))
    (i64.store offset=24 (local.get $to) (i64.load offset=24 (local.get $from))))

  ;; Fills the internal nodes of the tree whose 2L - 1 nodes of 32 bytes start at $nodes and whose L leaves are in
  ;; place: node p = keccak256(sorted(node 2p + 1, node 2p + 2)), from node L - 2 down to the root.
  (func (export "internal_nodes") (param $nodes i32) (param $leafCount i32)
    (local $node i32) (local $left i32) (local $right i32)
    (local.set $node (i32.sub (local.get $leafCount) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.lt_s (local.get $node) (i32.const 0)))
        (local.set $left (i32.add (local.get $nodes) (i32.shl (i32.add (i32.shl (local.get $node) (i32.const 1)) (i32.const 1)) (i32.const 5))))
        (local.set $right (i32.add (local.get $left) (i32.const 32)))
        (if (call $ordered (local.get $left) (local.get $right))
          (then
            (call $copy_hash (local.get $left) (global.get $PAIR))
            (call $copy_hash (local.get $right) (i32.add (global.get $PAIR) (i32.const 32))))
          (else
            (call $copy_hash (local.get $right) (global.get $PAIR))
            (call $copy_hash (local.get $left) (i32.add (global.get $PAIR) (i32.const 32)))))
        (call $keccak256 (global.get $PAIR) (i32.const 64) (i32.add (local.get $nodes) (i32.shl (local.get $node) (i32.const 5))))
        (local.set $node (i32.sub (local.get $node) (i32.const 1)))
        (br $next))))
)
