/**
 * Login and account: read the account, sign in with ChatGPT in a browser (or with a device code),
 * and sign out. Offline, the sample starts a browser login and cancels it, since there is no
 * browser to finish it; with --live it waits for you to sign in.
 *
 *   npx tsx samples/login-and-account.ts [--live] [--device-code]
 */
import { live, openSampleCodex } from "./support/sample-codex.js";

await using sample = await openSampleCodex({}, { requiresOpenaiAuth: true }, { checkLogin: false });
const { codex } = sample;

const before = await codex.account();
console.log(`signed in: ${before.account !== null}; login required: ${before.requiresOpenaiAuth}`);

if (process.argv.includes("--device-code")) {
  // Device-code login asks OpenAI for a code, so it needs the network (and --live).
  const login = await codex.loginChatgptDeviceCode();
  console.log(`Go to ${login.verificationUrl} and enter ${login.userCode}`);
  const { success, error } = await login.wait({ signal: AbortSignal.timeout(10 * 60_000) });
  console.log(success ? "signed in" : `login failed: ${error}`);
} else {
  const login = await codex.loginChatgpt();
  console.log(`login started: open ${new URL(login.authUrl).origin}/… in a browser`);
  if (live) {
    console.log(login.authUrl);
  } else {
    await login.cancel(); // nobody will open the browser offline
  }
  const { success, error } = await login.wait({ signal: AbortSignal.timeout(10 * 60_000) });
  console.log(`login finished: success=${success}${error ? ` (${error})` : ""}`);
}

const after = await codex.account();
console.log(`signed in now: ${after.account !== null}`);
if (live && after.account !== null && process.argv.includes("--logout")) await codex.logout();
