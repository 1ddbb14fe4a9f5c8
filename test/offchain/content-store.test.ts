import { expect } from "chai";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";

import {
  ContentIntegrityError,
  ContentNotFoundError,
  ContentStoreError,
  type ContentStore,
  sha256Hex,
} from "../../src/store/content-store";
import { fetchContent, storeForPublishing, storeFromUri } from "../../src/store/factory";
import { FileContentStore } from "../../src/store/fs-store";
import { startContentServer, type RunningContentServer } from "../../src/store/http-server";
import { HttpContentStore } from "../../src/store/http-store";
import { IpfsGatewayStore, rawSha256Cid } from "../../src/store/ipfs-gateway-store";

/** Resolves to the error `promise` rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

async function roundTrips(store: ContentStore): Promise<void> {
  for (const bytes of [new Uint8Array(0), Uint8Array.from([0, 255]), randomBytes(300_000)]) {
    const uri = await store.put(bytes);
    expect(uri).to.contain(sha256Hex(bytes));
    expect(Buffer.from(await store.get(uri)).equals(Buffer.from(bytes))).to.equal(true);
    expect(await store.put(bytes)).to.equal(uri);
  }
}

/** A fake IPFS gateway serving given blocks by CID, or lying with `tamper`. */
async function startFakeGateway(
  blocks: Map<string, Uint8Array>,
  tamper = false,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const cid = (request.url ?? "").replace(/^\/ipfs\//, "");
    const block = blocks.get(cid);
    if (block === undefined) {
      response.writeHead(404).end("not found");
      return;
    }
    const body = Buffer.from(block);
    if (tamper) body[0] ^= 1;
    response.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("content store", function () {
  let directory: string;

  beforeEach(async function () {
    directory = await mkdtemp(join(tmpdir(), "weft-store-"));
  });

  afterEach(async function () {
    await rm(directory, { recursive: true, force: true });
  });

  describe("filesystem", function () {
    it("round-trips content under its SHA-256 and leaves no temporary files", async function () {
      const store = new FileContentStore(directory);
      await roundTrips(store);
      expect((await readdir(directory)).every((name) => /^[0-9a-f]{64}$/.test(name))).to.equal(true);
    });

    it("rejects tampered content with an error naming the URI", async function () {
      const store = new FileContentStore(directory);
      const uri = await store.put(Uint8Array.from([1, 2, 3]));
      await writeFile(join(directory, sha256Hex(Uint8Array.from([1, 2, 3]))), Uint8Array.from([1, 2, 4]));
      const error = await rejection(store.get(uri));
      expect(error).to.be.instanceOf(ContentIntegrityError);
      expect(error.message).to.contain(uri);
    });

    it("reports missing content and malformed URIs", async function () {
      const store = new FileContentStore(directory);
      const missing = store.uriFor(sha256Hex(Uint8Array.from([9])));
      expect(await rejection(store.get(missing))).to.be.instanceOf(ContentNotFoundError);
      expect((await rejection(store.get(`file://${directory}/not-a-hash`))).message).to.match(/file name must be/);
    });
  });

  describe("HTTP", function () {
    let server: RunningContentServer;

    beforeEach(async function () {
      server = await startContentServer({ store: new FileContentStore(directory) });
    });

    afterEach(async function () {
      await server.close();
    });

    it("round-trips content through the server", async function () {
      await roundTrips(new HttpContentStore(server.url));
    });

    it("answers 404 for unknown content, 422 for a body that does not match its hash, 400 for a bad path", async function () {
      const unknown = `${server.url}/blobs/${sha256Hex(Uint8Array.from([7]))}`;
      expect(await rejection(new HttpContentStore(server.url).get(unknown))).to.be.instanceOf(ContentNotFoundError);
      const lying = await fetch(unknown, { method: "PUT", body: Uint8Array.from([8]) });
      expect(lying.status).to.equal(422);
      expect(await lying.text()).to.match(/body hashes to [0-9a-f]{64}, not/);
      expect((await fetch(`${server.url}/blobs/xyz`)).status).to.equal(400);
      expect((await fetch(`${server.url}/elsewhere`)).status).to.equal(404);
      expect((await fetch(unknown, { method: "DELETE" })).status).to.equal(405);
    });

    it("rejects content the server corrupted", async function () {
      const store = new HttpContentStore(server.url);
      const uri = await store.put(Uint8Array.from([5, 5]));
      await writeFile(join(directory, sha256Hex(Uint8Array.from([5, 5]))), Uint8Array.from([5, 6]));
      const error = await rejection(store.get(uri));
      expect(error).to.be.instanceOf(ContentStoreError);
      expect(error.message).to.contain("HTTP 500");
    });

    it("says the server is unreachable when it is down", async function () {
      const store = new HttpContentStore(server.url);
      const uri = await store.put(Uint8Array.from([1]));
      await server.close();
      const error = await rejection(store.get(uri));
      expect(error.message).to.match(/cannot reach the content server .*is it running\?/);
      server = await startContentServer({ store: new FileContentStore(directory) });
    });
  });

  describe("IPFS gateway (read-only)", function () {
    const block = Uint8Array.from(Buffer.from("hello weft\n"));
    const cid = rawSha256Cid(block);

    it("computes CIDv1 raw sha2-256 CIDs as IPFS does", function () {
      // Every raw sha2-256 CIDv1 starts with bafkrei; the empty block has this well-known CID.
      expect(cid).to.match(/^bafkrei[a-z2-7]{52}$/);
      expect(rawSha256Cid(new Uint8Array(0))).to.equal("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
      // The CID the hand-written encoder this replaced gave these bytes.
      expect(cid).to.equal("bafkreiec2tsnmrj7tranpabyvshspu4jmkc2tuz43xoenarkblbs7jhjza");
    });

    it("reads a raw CID written in base58btc as well as in base32", async function () {
      const inBase58 = CID.parse(cid).toString(base58btc);
      const gateway = await startFakeGateway(new Map([[inBase58, block]]));
      try {
        expect(await new IpfsGatewayStore(gateway.url).get(`ipfs://${inBase58}`)).to.deep.equal(block);
      } finally {
        gateway.server.close();
      }
    });

    it("reads verified content through a gateway and rejects a lying one", async function () {
      const honest = await startFakeGateway(new Map([[cid, block]]));
      const lying = await startFakeGateway(new Map([[cid, block]]), true);
      try {
        expect(await fetchContent(`ipfs://${cid}`, { ipfsGateway: honest.url })).to.deep.equal(block);
        expect(await rejection(new IpfsGatewayStore(lying.url).get(`ipfs://${cid}`))).to.be.instanceOf(
          ContentIntegrityError,
        );
        const absent = `ipfs://${rawSha256Cid(Uint8Array.from([1]))}`;
        expect(await rejection(new IpfsGatewayStore(honest.url).get(absent))).to.be.instanceOf(ContentNotFoundError);
      } finally {
        honest.server.close();
        lying.server.close();
      }
    });

    it("refuses CIDs it cannot verify, writes, and ipfs:// without a configured gateway", async function () {
      const store = new IpfsGatewayStore("http://127.0.0.1:1");
      const v0 = "ipfs://QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o";
      expect((await rejection(store.get(v0))).message).to.match(/only CIDv1 raw sha2-256 CIDs/);
      const dagPb = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
      expect((await rejection(store.get(dagPb))).message).to.match(/only CIDv1 raw sha2-256 CIDs/);
      // A trailing base32 digit adds bits that name no byte: not the CID of any content.
      expect((await rejection(store.get(`ipfs://${cid}a`))).message).to.match(/only CIDv1 raw sha2-256 CIDs/);
      expect((await rejection(store.put())).message).to.match(/read-only/);
      expect(() => storeFromUri(`ipfs://${cid}`)).to.throw(/configure an IPFS gateway/);
    });
  });

  it("picks the backend from the URI or publishing location", async function () {
    const fileUri = await storeForPublishing(directory).put(Uint8Array.from([3]));
    expect(fileUri.startsWith("file://")).to.equal(true);
    expect(storeFromUri(fileUri)).to.be.instanceOf(FileContentStore);
    expect(await fetchContent(fileUri)).to.deep.equal(Uint8Array.from([3]));
    expect(storeFromUri(`http://host:1/blobs/${sha256Hex(new Uint8Array(0))}`)).to.be.instanceOf(HttpContentStore);
    expect(storeForPublishing("http://host:1")).to.be.instanceOf(HttpContentStore);
    expect(() => storeFromUri("s3://bucket/key")).to.throw(/unsupported URI/);
  });
});
