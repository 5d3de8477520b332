// Types for the parts of @echogarden/espeak-ng-emscripten that the engine uses (it ships none).
declare module '@echogarden/espeak-ng-emscripten' {
  export interface EspeakWorker {
    set_voice(name: string): number
    set_rate(wordsPerMinute: number): number
    set_pitch(pitch: number): number
    set_range(range: number): number
    get_samplerate(): number
    synthesize(
      text: string,
      callback: (samples: Int16Array | undefined, events: unknown[]) => number | boolean,
    ): void
  }
  export interface EspeakModule {
    eSpeakNGWorker: new () => EspeakWorker
    FS: { readdir(path: string): string[] }
  }
  export interface EspeakModuleArgs {
    /** Emscripten's file packager calls this instead of fetching `espeak-ng.data` itself. */
    getPreloadedPackage?: (name: string, size: number) => ArrayBuffer
    print?: (text: string) => void
    printErr?: (text: string) => void
  }
  const createModule: (args?: EspeakModuleArgs) => Promise<EspeakModule>
  export default createModule
}
