/**
 * Image and text in one turn: pass an array of input items. An image goes in by URL; a data URL
 * (`data:image/png;base64,…`) needs no hosting. Here the image is a 1×1 PNG made in the sample.
 *
 *   npx tsx samples/image-and-text.ts [--live]
 */
import { inputImageUrls, userTexts } from "codex-app-sdk/testing";
import { openSampleCodex } from "./support/sample-codex.js";

// A complete 1×1 PNG (one red pixel), base64-encoded.
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
const dataUrl = `data:image/png;base64,${PNG_BASE64}`;

// Offline, the fake model describes what it received instead of looking at the picture.
await using sample = await openSampleCodex({
  defaultReply: (request) => {
    const images = inputImageUrls(request);
    const sameImage = images.length === 1 && images[0] === dataUrl;
    return { type: "text", text: `I got ${images.length} image(s)${sameImage ? " (the PNG you sent)" : ""} and the text "${userTexts(request).at(-1)}".` };
  },
});
const thread = await sample.codex.threadStart({ cwd: sample.cwd });

const result = await thread.run([
  { type: "text", text: "What colour is this pixel? Answer in one word." },
  { type: "image", url: dataUrl },
]);
console.log(`Codex: ${result.finalResponse}`);

// The user message item records what was sent, the image included.
const sent = result.items.find((item) => item.type === "userMessage");
console.log(`sent: ${sent?.type === "userMessage" ? sent.content.map((part) => part.type).join(" + ") : "?"}`);
