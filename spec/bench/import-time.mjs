// Imports the module at the URL argv[2] and writes how long the import took, in ms: the import
// benchmark runs it in a fresh process each time, for the SDK's build and for an empty module.

const start = performance.now();
await import(process.argv[2]);
process.stdout.write(`${performance.now() - start}\n`);
