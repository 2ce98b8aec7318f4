import { expect, it } from 'vitest';
import { describeWithS3 } from '../support/s3.ts';

describeWithS3('radosgw harness', (target) => {
  it('answers S3 requests on loopback', async () => {
    expect(new URL(target.endpoint).hostname).toBe('127.0.0.1');
    const res = await fetch(target.endpoint);
    expect(res.status).toBeLessThan(500);
    await res.arrayBuffer();
  });
});
