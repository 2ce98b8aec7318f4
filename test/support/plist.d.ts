// plist (devDependency, no types of its own): only what the tests use.
declare module 'plist' {
  const plist: { parse(xml: string): unknown };
  export default plist;
}
