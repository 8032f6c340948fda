// Geometry checks the layout specs share.
import type { Locator } from '@playwright/test';
import { expect } from './console-fixture.js';

/** `inner` lies inside `outer`'s box (half a pixel of rounding allowed). */
export async function expectInside(inner: Locator, outer: Locator): Promise<void> {
  const [a, b] = [await inner.boundingBox(), await outer.boundingBox()];
  expect(a && b).toBeTruthy();
  const inside =
    a!.x >= b!.x &&
    a!.y >= b!.y &&
    a!.x + a!.width <= b!.x + b!.width + 0.5 &&
    a!.y + a!.height <= b!.y + b!.height + 0.5;
  expect(inside, `${JSON.stringify(a)} is not inside ${JSON.stringify(b)}`).toBe(true);
}
