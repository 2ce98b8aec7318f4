// window.uploader: set by Electron's preload, or by the web bridge in a browser.
import type { UploaderApi } from '../app/api.ts';

declare global {
  interface Window {
    uploader?: UploaderApi;
  }
}
