// Saved calls in the Invoke panel (issue 11): folders from `/` in names, rename, duplicate,
// delete, run from the list, errors in the dialog itself, saving over a name asks — at both sizes.
import { expect, runId, test } from './console-fixture.js';

const SIZES = [
  { width: 1600, height: 1000 },
  { width: 1100, height: 700 },
] as const;

for (const size of SIZES) {
  const at = `${size.width}x${size.height}`;
  test.describe(`saved calls at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('saved calls sit in folders and can be renamed, duplicated, run and deleted; errors and overwrites are settled in the dialog', async ({
      app,
      page,
    }) => {
      const folder = `f-${runId()}`;
      const invoke = app.region('Invoke');
      const dialog = (title: string) => page.getByRole('dialog', { name: title });
      const list = invoke.getByRole('list', { name: 'Saved calls' });
      const save = async (name: string): Promise<void> => {
        await invoke.getByRole('button', { name: 'Save call' }).click();
        await dialog('Save call').getByLabel('Name').fill(name);
        await dialog('Save call').getByRole('button', { name: 'OK' }).click();
      };

      await app.selectMethod('echo');
      await app.setParams(`{"text": "${folder} one"}`);
      await save(`${folder}/one`);
      await expect(dialog('Save call')).toHaveCount(0);
      await invoke.getByRole('tab', { name: 'Saved' }).click();
      await expect(list.getByRole('listitem', { name: `Folder ${folder}` })).toBeVisible();
      await expect(list.getByRole('button', { name: `${folder}/one test.Server.echo` })).toBeVisible();

      // Saving over the name asks first.
      await app.setParams(`{"text": "${folder} replaced"}`);
      await save(`${folder}/one`);
      await expect(dialog('Save call').getByRole('alert')).toContainText('exists. Replace it');
      await dialog('Save call').getByRole('button', { name: 'Replace' }).click();
      await expect(dialog('Save call')).toHaveCount(0);

      // A bad name is an error in the dialog, which stays open.
      await save(`${folder}/bad:name`);
      await expect(dialog('Save call').getByRole('alert')).toContainText('must be a file name');
      await dialog('Save call').getByRole('button', { name: 'Cancel' }).click();

      // Duplicate, then rename it into a sub-folder.
      await list.getByRole('button', { name: `Duplicate saved call ${folder}/one` }).click();
      await dialog('Duplicate saved call').getByRole('button', { name: 'OK' }).click();
      await expect(list.getByRole('button', { name: `${folder}/one copy test.Server.echo` })).toBeVisible();
      await list.getByRole('button', { name: `Rename saved call ${folder}/one copy` }).click();
      await dialog('Rename saved call').getByLabel('Name').fill(`${folder}/one`);
      await dialog('Rename saved call').getByRole('button', { name: 'OK' }).click();
      await expect(dialog('Rename saved call').getByRole('alert')).toContainText(/exists|taken|already/);
      await dialog('Rename saved call').getByLabel('Name').fill(`${folder}/sub/two`);
      await dialog('Rename saved call').getByRole('button', { name: 'OK' }).click();
      await expect(list.getByRole('listitem', { name: `Folder ${folder}/sub` })).toBeVisible();
      await expect(list.getByRole('button', { name: `${folder}/sub/two test.Server.echo` })).toBeVisible();
      await app.screenshot(`invoke-saved-${at}`);

      // Run from the list: the saved arguments go out.
      await list.getByRole('button', { name: `Run saved call ${folder}/sub/two` }).click();
      await invoke.getByRole('tab', { name: /Results/ }).click();
      await expect(invoke.getByRole('list', { name: 'Results' }).getByRole('listitem').first()).toContainText(
        `"Yah! ${folder} replaced"`,
      );

      await invoke.getByRole('tab', { name: 'Saved' }).click();
      await list.getByRole('button', { name: `Delete saved call ${folder}/sub/two` }).click();
      await list.getByRole('button', { name: `Delete saved call ${folder}/one` }).click();
      await expect(list.getByRole('listitem', { name: new RegExp(`Folder ${folder}`) })).toHaveCount(0);
    });
  });
}
