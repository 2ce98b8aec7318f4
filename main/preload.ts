// stub, replaced by the shell: E1's preload (window.uploader) lands at this path.
// Bundled to out/preload/preload.cjs (CommonJS, as a sandboxed preload must be).
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('uploader', {});
