// A client of the shop test project for any gateway URL: calls by `module.Interface.method` with
// the model codec, and records the pushes (shop.IShopClient) it gets.
import { readFileSync } from 'node:fs';
import { createClient } from '../../electron/transports/dial.js';
import { compile } from '../../shared/idl/compile.js';
import { allOperations, resolveOperation, type IdlModel } from '../../shared/idl/model.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import { RpcError } from '../../shared/rpc/errors.js';
import { OperationTable } from '../../shared/rpc/servant.js';
import { createCodec, type ModelCodec } from '../../shared/wire/codec.js';
import type { Extra } from '../../shared/wire/message.js';
import { SHOP_IDL } from './shop-project.js';

export interface Received {
  method: string;
  args: Record<string, unknown>;
  userId: string | undefined;
}

export interface ShopClient {
  call(
    qualifiedMethod: string,
    args: unknown[] | Record<string, unknown>,
    options?: { extra?: Extra },
  ): Promise<{ errcode: number; value: unknown }>;
  pushes: Received[];
  close(): Promise<void>;
}

/** The shop model (or another IDL text's) and its codec. */
export function shopModel(idl = SHOP_IDL): { model: IdlModel; codec: ModelCodec } {
  const { model, diagnostics } = compile([{ path: 'shop.idl', text: idl }]);
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(diagnostics));
  return { model, codec: createCodec(model) };
}

export function shopClient(url: string, options: { deviceId?: string; idlFile?: string } = {}): ShopClient {
  const { model, codec } = shopModel(options.idlFile ? readFileSync(options.idlFile, 'utf8') : undefined);
  const pushes: Received[] = [];
  const table = new OperationTable();
  const client = model.interfaces['shop.IShopClient']!;
  for (const op of allOperations(model, client)) {
    table.add(client.index, op.index, `shop.IShopClient.${op.name}`, (_params, ctx) => {
      pushes.push({
        method: op.name,
        args: codec.decodeParams(op, ctx.message.params),
        userId: ctx.extra['__user_id__'],
      });
    });
  }
  const rpc = createClient(url, { adapter: new Adapter().add(table), deviceId: options.deviceId });
  return {
    pushes,
    call: async (qualifiedMethod, args, callOptions = {}) => {
      const dot = qualifiedMethod.lastIndexOf('.');
      const resolved = resolveOperation(model, qualifiedMethod.slice(0, dot), qualifiedMethod.slice(dot + 1));
      if (!resolved) throw new Error(`no operation ${qualifiedMethod}`);
      const { op, ifidx } = resolved;
      try {
        const reply = await rpc.call({
          ifidx,
          opidx: op.index,
          paramsize: op.params.length,
          params: codec.encodeParams(op, args),
          mode: 'twoway',
          extra: callOptions.extra,
          timeout: 10_000,
        });
        return { errcode: 0, value: codec.decodeResult(op, reply.params) };
      } catch (error) {
        if (error instanceof RpcError) return { errcode: error.code, value: undefined };
        throw error;
      }
    },
    close: () => rpc.close(),
  };
}
