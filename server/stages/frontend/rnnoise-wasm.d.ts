// The RNNoise wasm builds ship without typings; both are emscripten module factories.
declare module '@echogarden/rnnoise-wasm' {
  const createModule: (moduleArg?: object) => Promise<unknown>;
  export default createModule;
}

declare module '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js' {
  const createModule: (moduleArg?: object) => { ready: Promise<unknown> };
  export default createModule;
}
