import { describe, expect, it } from 'vitest';
import { formatEndpointUrl, parseEndpointUrl } from '../../electron/transports/endpoint-url.js';

describe('endpoint URLs', () => {
  it('parses every stream scheme', () => {
    expect(parseEndpointUrl('tcp://127.0.0.1:12002')).toEqual({
      transport: 'tcp',
      host: '127.0.0.1',
      port: 12002,
      path: '',
    });
    expect(parseEndpointUrl('ssl://example.org:443')).toMatchObject({ transport: 'tls', port: 443 });
    expect(parseEndpointUrl('tls://[::1]:9')).toMatchObject({ transport: 'tls', host: '::1', port: 9 });
    expect(parseEndpointUrl('ws://h:1/tce?x=1')).toEqual({ transport: 'ws', host: 'h', port: 1, path: '/tce?x=1' });
    expect(parseEndpointUrl('wss://h')).toEqual({ transport: 'wss', host: 'h', port: 443, path: '/' });
  });

  it('says what is wrong with a bad URL', () => {
    expect(() => parseEndpointUrl('localhost:80')).toThrow(/unknown scheme localhost:/);
    expect(() => parseEndpointUrl('http://h:1')).toThrow(/unknown scheme http:/);
    expect(() => parseEndpointUrl('tcp://h')).toThrow(/tcp:\/\/ needs a port/);
    expect(() => parseEndpointUrl('not a url')).toThrow(/expected tcp:\/\/host:port/);
  });

  it('formats IPv6 hosts in brackets', () => {
    expect(formatEndpointUrl('tcp', '::1', 5)).toBe('tcp://[::1]:5');
    expect(formatEndpointUrl('ws', '127.0.0.1', 80, '/')).toBe('ws://127.0.0.1:80/');
  });
});
