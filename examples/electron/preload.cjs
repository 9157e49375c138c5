// The renderer's only door to the main process: classify(pixels) → probabilities.
const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('digits', {
  classify: (pixels) => ipcRenderer.invoke('classify', pixels),
});
