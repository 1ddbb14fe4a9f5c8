import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";
import { DIRECTORY, HOST, PORT } from "../../src/cli/arg-types";

task("store:serve", "Serves a content store directory over HTTP (GET and PUT /blobs/<sha256>) until Ctrl-C")
  .addOptionalParam("dir", "The store's directory (default .weft/store)", undefined, DIRECTORY)
  .addOptionalParam("port", "Port to listen on (0 picks a free one)", "8090", PORT)
  .addOptionalParam("host", "Address to listen on (0.0.0.0 for every interface)", "127.0.0.1", HOST)
  .setAction(
    userFacing(async (args: { dir?: string; port: string; host: string }) => {
      const { UserError } = await import("../../src/errors");
      const { parsePort } = await import("../../src/cli/flags");
      const { DEFAULT_STORE_DIR } = await import("../../src/store/factory");
      const { FileContentStore } = await import("../../src/store/fs-store");
      const { startContentServer } = await import("../../src/store/http-server");
      const { consoleLogger } = await import("../../src/agents/logger");
      const { shutdownSignal } = await import("../../src/agents/loop");
      const port = parsePort("--port", args.port);
      const store = new FileContentStore(args.dir ?? DEFAULT_STORE_DIR);
      const logger = consoleLogger("store");
      const server = await startContentServer({ store, port, host: args.host }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === "EADDRINUSE" || error.code === "EADDRNOTAVAIL" || error.code === "EACCES") {
            throw new UserError(
              `Cannot listen on ${args.host}:${port} (${error.code}); choose another --port or --host.`,
            );
          }
          throw error;
        },
      );
      const shutdown = shutdownSignal(logger);
      logger.info(`serving ${store.directory} at ${server.url} (blobs at ${server.url}/blobs/<sha256>); Ctrl-C stops`);
      await new Promise((resolve) => shutdown.signal.addEventListener("abort", resolve, { once: true }));
      shutdown.dispose();
      await server.close();
      logger.info("stopped");
    }),
  );
