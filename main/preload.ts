// The preload (bundled to preload.cjs: a sandboxed preload must be CommonJS).
// Exposes window.uploader, implementing UploaderApi, and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api.ts';

contextBridge.exposeInMainWorld('uploader', createPreloadApi(ipcRenderer));
