// The demo source's own API, served locally so hydration has something real to call: an order webhook
// names a customer id; hydrate fetches the customer, then the customer's default address.
import { listen, sendJson, type RunningServer } from './http-server.ts';

export interface DemoCustomer {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  phone: string;
  default_address_id: string;
}

export const DEMO_CUSTOMERS: Record<string, DemoCustomer> = {
  cus_1001: {
    id: 'cus_1001',
    email: 'ada.lovelace@example.com',
    first_name: 'Ada',
    last_name: 'Lovelace',
    phone: '+15005550006',
    default_address_id: 'addr_2001',
  },
  // Valid JSON that is awkward to carry: U+FFFF and U+FFFE (which SQS refuses raw), characters outside the
  // BMP, and lone surrogates (sent as \ud83d-style escapes, the only way JSON over UTF-8 can hold them).
  cus_1002: {
    id: 'cus_1002',
    email: 'zoe.unicode@example.com',
    first_name: 'Zoë 😀',
    last_name: 'Noncharacter\uFFFF\uFFFE',
    phone: '+15005550007',
    default_address_id: 'addr_2002',
  },
};

export const DEMO_ADDRESSES: Record<string, Record<string, string>> = {
  addr_2001: {
    id: 'addr_2001',
    address1: '12 St James Square',
    city: 'London',
    province: 'Greater London',
    zip: 'SW1Y 4JH',
    country_code: 'GB',
  },
  addr_2002: {
    id: 'addr_2002',
    address1: '1 Lone \uD800 Surrogate Lane',
    city: 'Zürich 🏔',
    province: 'Zürich\uDC00',
    zip: '8001',
    country_code: 'CH',
  },
};

export function startDemoSourceApi(options: { token: string; port?: number }): Promise<RunningServer> {
  return listen(async (req, res) => {
    await Promise.resolve();
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return sendJson(res, 401, { error: 'missing or wrong bearer token' });
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, collection, id] = url.pathname.split('/');
    const table =
      collection === 'customers' ? DEMO_CUSTOMERS : collection === 'addresses' ? DEMO_ADDRESSES : undefined;
    const record = table && id && Object.hasOwn(table, id) ? table[id] : undefined;
    if (req.method !== 'GET' || !record) return sendJson(res, 404, { error: `${url.pathname} not found` });
    sendJson(res, 200, record);
  }, options.port);
}
