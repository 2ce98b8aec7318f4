// Entry: the window talks only to window.uploader. Electron's preload defines
// it; in a browser (served by `device-uploader serve`) the web bridge does,
// so nothing below can tell which host it runs in.
import './styles/base.css';
import './styles/queue.css';
import './styles/history.css';
import './styles/settings.css';
import { createWebBridge } from './bridge/web-bridge.ts';
import { mountApp } from './app.ts';

const api = window.uploader ?? (window.uploader = createWebBridge());
const root = document.getElementById('app');
if (root) mountApp(root, api);
