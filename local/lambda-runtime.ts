/**
 * A minimal stand-in for the Lambda Node.js runtime, run as a child process: it loads one built bundle
 * (configuration is read at that moment, as in a Lambda init) and then answers invocations sent over IPC.
 */
type Invocation = { id: number; event: unknown };

const send = (message: unknown) => process.send!(message);

// This stands in for Lambda's Node 22 runtime, so the SDK's notice about older Node versions does not apply.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let handler: (event: unknown) => Promise<unknown>;
try {
  ({ handler } = require(process.argv[2]) as { handler: typeof handler });
} catch (error) {
  // An init error: Lambda reports it and never invokes the handler.
  send({ initError: { name: (error as Error).name, message: (error as Error).message } });
  process.exit(2);
}

process.on("message", async ({ id, event }: Invocation) => {
  try {
    send({ id, result: await handler(event) });
  } catch (error) {
    // What the Lambda runtime reports of a thrown error: its type and message, never its stack to the caller.
    send({ id, error: { name: (error as Error).name, message: (error as Error).message } });
  }
});
send({ ready: true });
