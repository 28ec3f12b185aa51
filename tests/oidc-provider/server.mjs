// A real OpenID provider (oidc-provider) on loopback for Tessera's tests. Usage: node server.mjs [PORT]
// (PORT 0 or none: a free port). Prints "listening <issuer>" once it answers.
// Each test user is a client of this provider: a client_credentials grant for a resource indicator returns a signed
// JWT access token whose sub is the user's id and whose extra claims (email, email_verified, name, groups) come from
// the account store below, which a test changes through POST /test/accounts/:id. POST /test/rotate signs with a fresh
// key from then on, still publishing the old one, as a provider rotating its keys does. For browser sign-in, POST /test/web-clients
// registers an authorization-code client (its redirect URIs name the port the test's Tessera listens on); the login and
// consent pages are oidc-provider's own (devInteractions: any password), and a user signs in as their id (alice …),
// getting the same email, name and groups in the ID token. POST /test/id-tokens signs a token shaped like such an ID
// token (with the nonce asked for) without the browser round trip. The /test endpoints exist only in this script.
import http from 'node:http';
import { createPrivateKey, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

let issuer;
const clientSecret = 'test-secret-for-every-user-client';
const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

// Claims per user id; a test replaces them (and a token lifetime in seconds) through the admin endpoint.
const accounts = new Map(users.map((id) => [id, { email: `${id}@example.com`, email_verified: true, name: id, groups: [], ttl: 600 }]));

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

let keys = [newKey()];

// Authorization-code clients registered by tests (client_id, client_secret, redirect_uris, post_logout_redirect_uris).
const webClients = [];

function createProvider() {
  const provider = new Provider(issuer, {
    cookies: { keys: ['tessera-test-cookie-key'] },
    clients: [
      ...users.map((id) => ({
        client_id: id,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
      })),
      ...webClients,
    ],
    jwks: { keys },
    findAccount: (ctx, id) => {
      const account = accounts.get(id);
      return account && {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: account.email_verified, name: account.name, groups: account.groups }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // The scopes' claims in the ID token itself (by default only with response_type id_token), as many providers do.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        // Any resource the test asks for is its audience: Tessera's, or another API's for a wrong-audience token.
        getResourceServerInfo: (ctx, resource, client) => ({
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: accounts.get(client.clientId)?.ttl ?? 600,
        }),
      },
    },
    extraTokenClaims: (ctx, token) => {
      const account = accounts.get(token.clientId);
      return account ? { email: account.email, email_verified: account.email_verified, name: account.name, groups: account.groups } : undefined;
    },
  });
  provider.proxy = false;
  return provider;
}

let callback;

// A JWT signed with the current key, as the provider signs its ID tokens.
function signed(payload) {
  const [key] = keys;
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${part(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey({ key, format: 'jwk' }));
  return `${input}.${signature.toString('base64url')}`;
}

function idToken({ sub, aud, nonce }) {
  const account = accounts.get(sub);
  const now = Math.floor(Date.now() / 1000);
  return signed({
    iss: issuer, sub, aud, iat: now, exp: now + 600, ...(nonce ? { nonce } : {}),
    email: account.email, email_verified: account.email_verified, name: account.name, groups: account.groups,
  });
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { try { resolve(body ? JSON.parse(body) : {}); } catch (e) { reject(e); } });
  });
}

async function admin(req, res) {
  const account = req.url.match(/^\/test\/accounts\/([a-z]+)$/);
  if (req.method === 'POST' && account && accounts.has(account[1])) {
    accounts.set(account[1], { ...accounts.get(account[1]), ...(await readJson(req)) });
  } else if (req.method === 'POST' && req.url === '/test/web-clients') {
    const client = await readJson(req);
    webClients.push({ grant_types: ['authorization_code'], response_types: ['code'], ...client });
    callback = createProvider().callback();
  } else if (req.method === 'POST' && req.url === '/test/id-tokens') {
    const request = await readJson(req);
    if (!accounts.has(request.sub)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id_token: idToken(request) }));
    return;
  } else if (req.method === 'POST' && req.url === '/test/rotate') {
    keys = [newKey(), ...keys];
    callback = createProvider().callback();
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kid: keys[0].kid }));
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/test/')) {
    admin(req, res).catch((e) => res.writeHead(500).end(String(e)));
    return;
  }
  callback(req, res);
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  // The issuer names the port, so the provider is made once the port is known.
  issuer = `http://127.0.0.1:${server.address().port}`;
  callback = createProvider().callback();
  console.log(`listening ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
