import { app, BrowserWindow, dialog, Menu, type MenuItemConstructorOptions } from 'electron';
import type { ConsoleHost } from '../host/host.js';
import { messageOf } from '../../shared/message-of.js';

/** File (open a project, recent projects), View (reload; devtools when not packaged). */
export async function buildMenu(host: ConsoleHost): Promise<void> {
  const open = async (path: string): Promise<void> => {
    try {
      await host.run('project.open', { path });
    } catch (error) {
      dialog.showErrorBox('Cannot open the project', messageOf(error));
    }
    await buildMenu(host);
  };
  const choose = async (what: 'openDirectory' | 'openFile'): Promise<void> => {
    const window = BrowserWindow.getFocusedWindow();
    const options = {
      properties: [what],
      filters: what === 'openFile' ? [{ name: 'services.xml or tce-project.json', extensions: ['xml', 'json'] }] : [],
    };
    const picked = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    if (!picked.canceled && picked.filePaths[0]) await open(picked.filePaths[0]);
  };
  const recent = (await host.run('app.info', {})).recentProjects;
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => void choose('openDirectory') },
        { label: 'Open services.xml…', click: () => void choose('openFile') },
        {
          label: 'Open Recent',
          enabled: recent.length > 0,
          submenu: recent.map((path) => ({ label: path, click: () => void open(path) })),
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
