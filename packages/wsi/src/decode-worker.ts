import { parentPort } from "node:worker_threads";
import { WsiError } from "./errors";
import { type DecodeTask, runDecodeTask } from "./decode-task";

/** Worker side of the decode pool: decodes tiles and posts RGBA back (buffers transferred). */
parentPort?.on("message", (msg: { id: number; task: DecodeTask }) => {
  runDecodeTask(msg.task).then(
    (data) => parentPort?.postMessage({ id: msg.id, data }, [data.buffer as ArrayBuffer]),
    (err: unknown) => {
      const e = err as Error;
      parentPort?.postMessage({ id: msg.id, error: { message: e?.message ?? String(err), code: err instanceof WsiError ? err.code : undefined } });
    },
  );
});
