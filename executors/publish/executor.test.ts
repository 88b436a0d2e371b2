import { afterEach, describe, expect, it, vi } from 'vitest';
import { executorContext } from '../testdata/workspace';
import publishExecutor from './executor';

afterEach(() => vi.restoreAllMocks());

describe('publish executor', () => {
  it('refuses to run without tags and says how to pass them', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await publishExecutor({ config: 'app/apko.yaml', tags: [] }, executorContext('/nonexistent', 'api', 'publish'));
    expect(result).toEqual({
      success: false,
      error: 'no tags to publish app/apko.yaml under\nhint: set options.tags, or run nx run api:publish --tags=registry.example.com/name:1.0',
    });
  });
});
