// The tests run on the developer's Node (20 or later); the Lambda runtime is Node 22, so the SDK's notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
