/**
 * A local image: pass `{ type: "localImage", path }` and the runtime reads the file and sends it to
 * the model inline. The SDK checks that the file exists before sending: the runtime itself would
 * silently tell the model "image content omitted" instead.
 *
 *   npx tsx samples/local-image.ts [--live]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "codex-app-sdk";
import { inputImageUrls } from "codex-app-sdk/testing";
import { openSampleCodex } from "./support/sample-codex.js";

// Write a 1×1 PNG (one red pixel) to a temporary file: the image on disk for this sample.
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
const folder = await mkdtemp(join(tmpdir(), "local-image-"));
const path = join(folder, "pixel.png");
await writeFile(path, Buffer.from(PNG_BASE64, "base64"));

// Offline, the fake model reports the image it received: the runtime turned the file into a data URL.
await using sample = await openSampleCodex({
  defaultReply: (request) => {
    const [url = ""] = inputImageUrls(request);
    const [prefix, data = ""] = url.split(",");
    const same = Buffer.from(data, "base64").equals(Buffer.from(PNG_BASE64, "base64"));
    return { type: "text", text: `I received ${prefix ? `${prefix}, …` : "no image"}${same ? " holding the file's exact bytes" : ""}.` };
  },
});
const thread = await sample.codex.threadStart({ cwd: sample.cwd });

try {
  const result = await thread.run([{ type: "text", text: "Describe this image in five words." }, { type: "localImage", path }]);
  console.log(`Codex: ${result.finalResponse}`);

  // A path that does not exist fails at once, before anything is sent.
  await thread.run([{ type: "localImage", path: join(folder, "missing.png") }]).catch((error: unknown) => {
    if (!(error instanceof InvalidArgumentError)) throw error;
    console.log(`missing file rejected: ${error.argument}`);
  });
} finally {
  await rm(folder, { recursive: true, force: true });
}
