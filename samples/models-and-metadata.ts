/**
 * Models and metadata: what the runtime says about itself at startup, the models it offers
 * (`model/list`), and the signed-in account. No turn is run, so this costs no tokens.
 *
 *   npx tsx samples/models-and-metadata.ts [--live]
 */
import { openSampleCodex } from "./support/sample-codex.js";

await using sample = await openSampleCodex();
const { codex } = sample;

// The runtime starts lazily; start() starts it now, so metadata and pid are available.
console.log(`running before start(): ${codex.pid !== undefined}`);
await codex.start();
const { serverName, serverVersion, platformOs, codexHome } = codex.metadata;
console.log(`runtime: ${serverName} ${serverVersion} on ${platformOs}, pid ${codex.pid}`);
console.log(`CODEX_HOME: ${codexHome}`);

// model/list: the catalog, with each model's reasoning efforts, input kinds and service tiers.
const { data: models } = await codex.models();
console.log(`${models.length} models:`);
for (const model of models) {
  const efforts = model.supportedReasoningEfforts.map((option) => option.reasoningEffort).join("/");
  console.log(`- ${model.id}${model.isDefault ? " (default)" : ""}: ${model.displayName}; effort ${efforts}, default ${model.defaultReasoningEffort}; input ${model.inputModalities.join("+")}`);
}
// Hidden models (older or internal ones) only show up when asked for.
const withHidden = await codex.models({ includeHidden: true });
console.log(`with hidden models: ${withHidden.data.length}`);

// account/read: who is signed in, and whether the configured provider needs a login at all.
const { account, requiresOpenaiAuth } = await codex.account();
console.log(`account: ${account === null ? "none" : account.type}; login required: ${requiresOpenaiAuth}`);
