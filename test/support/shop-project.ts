// A project of its own for the mock back end tests (not the sample's test.idl): module `shop`,
// interfaces with inheritance, a struct-returning operation, a sequence and a dictionary, a
// client interface, two gateways (TCP and WebSocket, listen ports 0) and one back end section.
// Queue names carry a prefix so that runs never meet on a shared RabbitMQ.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SHOP_IDL = `// A shop: its back end answers Catalog and Orders, its clients implement IShopClient.
module shop{

	struct Item_t{
		int id;
		string name;
		double price;
	};

	sequence<Item_t> ItemList;
	sequence<string> Skus;
	dictionary<string, int> Stock;

	interface Base{
		string version();
	};

	interface Catalog extends Base{
		Item_t item(int id);
		ItemList search(string text, int limit);
		Stock stock(Skus skus);
		long count();
		void touch(string sku);
	};

	interface Orders{
		int place(Item_t item, int quantity);
		void watch(string sku);
		string slow(int ms);
	};

	interface IShopClient{
		void onPrice(string sku, double price);
		void onNotice(string text);
	};

}
`;

/** The script the tests rely on: a value, state, a push to the caller, a wait. */
export const SHOP_SCRIPT = `export default {
  'shop.Catalog': {
    item: ({ id }) => ({ id, name: 'item ' + id, price: 9.5 }),
    search: ({ text, limit }) => Array.from({ length: limit }, (_, i) => ({ id: i + 1, name: text + ' ' + (i + 1), price: 1 })),
  },
  // Declared by shop.Base, named here by the interface that inherits it.
  'shop.Catalog.version': () => 'shop 2.0',
  'shop.Orders': {
    place: ({ quantity }, ctx) => {
      ctx.state.placed = (ctx.state.placed ?? 0) + quantity;
      return ctx.state.placed;
    },
    watch: ({ sku }, ctx) => ctx.push('shop.IShopClient.onPrice', { sku, price: 1.25 }),
    slow: async ({ ms }, ctx) => {
      await ctx.delay(ms);
      return 'slept ' + ms;
    },
  },
};
`;

export interface ShopProject {
  dir: string;
  /** The prefixed queue names to delete afterwards, and the topic. */
  queues: string[];
  exchanges: string[];
  write(relativePath: string, text: string): void;
  removeFiles(): void;
}

const ep = (name: string, node: string, type: 'queue' | 'topic'): string =>
  `<ep name="${name}" address="${node};{create:always,node:{type:${type},durable:true}}" type="qpid" host="127.0.0.1" port="5672"/>`;

/** Writes the shop project into a new temporary folder; `script: false` leaves mocks/ out. */
export function shopProject(prefix: string, options: { script?: boolean } = {}): ShopProject {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const node = (name: string): string => `${prefix}-${name}`;
  const gateway = (name: string, listen: string, reply: string): string => `
		<server name="${name}" type="gateway">
			<route if="shop.Base"><call in="${listen}" out="shop_backend"/><return in="${reply}" out="${listen}"/></route>
			<route if="shop.Catalog"><call in="${listen}" out="shop_backend"/><return in="${reply}" out="${listen}"/></route>
			<route if="shop.Orders"><call in="${listen}" out="shop_backend"/><return in="${reply}" out="${listen}"/></route>
			<route if="shop.IShopClient"><call in="${reply}" out="${listen}"/><call in="shop_broadcast" out="${listen}"/></route>
			<properties>
				<property name="listen" value="${listen},${reply},shop_broadcast"/>
				<property name="loopback" value="shop_backend#${reply}"/>
			</properties>
		</server>`;
  const services = `<?xml version="1.0" encoding="utf-8"?>
<SHOP>
	<InterfaceDef>
		<if id="0" name="shop.Base"/>
		<if id="1" name="shop.Catalog"/>
		<if id="2" name="shop.Orders"/>
		<if id="3" name="shop.IShopClient"/>
	</InterfaceDef>
	<EndPoints>
		<ep name="shop_tcp" address="" type="socket" host="127.0.0.1" port="0"/>
		<ep name="shop_ws" address="" type="websocket" host="127.0.0.1" port="0"/>
		${ep('shop_backend', node('backend'), 'queue')}
		${ep('shop_replies', node('replies'), 'queue')}
		${ep('shop_replies_ws', node('replies_ws'), 'queue')}
		${ep('shop_broadcast', node('broadcast'), 'topic')}
	</EndPoints>
	<servers>${gateway('shopgw', 'shop_tcp', 'shop_replies')}${gateway('shopgw_ws', 'shop_ws', 'shop_replies_ws')}
	</servers>
</SHOP>
`;
  const configEndpoint = (name: string, n: string, type: 'queue' | 'topic'): string =>
    `    - name: ${name}\n      host: 127.0.0.1\n      port: 5672\n      address: ${n};{create:always,node:{type:${type},durable:true}}\n`;
  const config = `common_defs:
  endpoints:
${configEndpoint('shop_backend', node('backend'), 'queue')}${configEndpoint('shop_replies', node('replies'), 'queue')}${configEndpoint('shop_replies_ws', node('replies_ws'), 'queue')}${configEndpoint('shop_broadcast', node('broadcast'), 'topic')}
shopd:
  endpoints:
    - name: shop_backend
      af_mode: AF_READ
    - name: shop_replies
      af_mode: AF_WRITE
    - name: shop_replies_ws
      af_mode: AF_WRITE
    - name: shop_broadcast
      af_mode: AF_WRITE
`;
  const write = (relativePath: string, text: string): void => {
    const path = join(dir, relativePath);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  write('shop.idl', SHOP_IDL);
  write('services.xml', services);
  write('config.yml', config);
  if (options.script !== false) write('mocks/shop.mjs', SHOP_SCRIPT);
  return {
    dir,
    queues: ['backend', 'replies', 'replies_ws'].map(node),
    exchanges: [node('broadcast')],
    write,
    removeFiles: () => rmSync(dir, { recursive: true, force: true }),
  };
}
