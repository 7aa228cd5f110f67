// The registry proof of the platform's account check (web/verify/account-check.js): a registered
// answer is believed only when the registry's signed checkpoint, the inclusion proof and the
// entry itself (an org.register or org.accounts naming the organisation and listing the
// account) all hold; the account compares by bank and number as SPEC.md §22 says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyAccountCheck, isAccountAsked } from '../../web/verify/account-check.js';
import { normaliseBank, normaliseNumber } from '../../web/verify/registry.js';
import {
  VerifyError, toHex, rootOf, hashFromHex,
} from '../../web/verify.js';
import {
  makeKey, checkpoint, buildLeaves, inclusionProof,
} from './fixtures.mjs';

const ACCOUNT = { bank: 'Vietcombank', holder: 'Hội Chữ thập đỏ xã A', number: '0011 0022-33' };

/** A registry of four entries (two organisations, then a change of ngo-a's accounts). */
async function registry() {
  const key = await makeKey('platform.example/registry');
  const checks = { registration_number: '123/QĐ' };
  const orgKeys = { 'ngo-a': await makeKey('platform.example/o/ngo-a'), 'ngo-b': await makeKey('platform.example/o/ngo-b') };
  const register = (slug, accounts) => ({
    kind: 'org.register',
    body: {
      accounts, checks, kind: 'ngo', name: `Org ${slug}`, origin: `platform.example/o/${slug}`, slug, verifier_key: orgKeys[slug].vkey,
    },
  });
  const { leaves, hashes } = await buildLeaves([
    register('ngo-a', [{ bank: 'BIDV', holder: 'A', number: '999' }]),
    register('ngo-b', [ACCOUNT]),
    { kind: 'org.accounts', body: { accounts: [{ bank: 'BIDV', holder: 'A', number: '999' }, { bank: 'Agribank', holder: 'A', number: '777' }], org: 'ngo-a' } },
    { kind: 'org.suspend', body: { org: 'ngo-a', reason: 'checking documents' } },
  ]);
  const bytes = hashes.map(hashFromHex);
  const root = toHex(await rootOf(bytes));
  const note = await checkpoint(key, hashes.length, root);
  /** The check-account answer for entry `seq` about `slug`. */
  const answer = async (seq, slug, leaf = leaves[seq]) => ({
    registered: true,
    org: { slug, name: `Org ${slug}`, status: 'active' },
    campaigns: [],
    registry: {
      seq, leaf, proof: await inclusionProof(bytes, seq), size: hashes.length, root, checkpoint: note,
    },
  });
  return {
    key, leaves, hashes, answer, root,
  };
}

test('accounts compare by bank (case and spaces ignored) and by number (letters and digits only)', () => {
  assert.equal(normaliseBank(' viet COMBANK '), normaliseBank('Vietcombank'));
  assert.equal(normaliseNumber('0011 0022-33'), normaliseNumber('00110022 33'));
  assert.ok(isAccountAsked(ACCOUNT, '001100 2233', 'VIETCOMBANK'));
  assert.ok(isAccountAsked(ACCOUNT, '0011002233'), 'no bank asked: any bank');
  assert.ok(!isAccountAsked(ACCOUNT, '0011002233', 'BIDV'));
  assert.ok(!isAccountAsked(ACCOUNT, '0011002234'));
  assert.ok(!isAccountAsked(ACCOUNT, ' - '), 'an empty number matches nothing');
});

test('a registered answer whose proof, checkpoint and entry hold is verified, for org.register and org.accounts alike', async () => {
  const r = await registry();

  const byRegister = await verifyAccountCheck(await r.answer(1, 'ngo-b'), r.key.vkey, { number: '0011002233', bank: 'vietcombank' });
  const byAccounts = await verifyAccountCheck(await r.answer(2, 'ngo-a'), r.key.vkey, { number: '777' });

  assert.deepEqual([byRegister.seq, byRegister.size, byRegister.kind, byRegister.account.holder], [1, 4, 'org.register', ACCOUNT.holder]);
  assert.deepEqual([byAccounts.seq, byAccounts.kind, byAccounts.account.bank], [2, 'org.accounts', 'Agribank']);
});

test('an answer giving only the leaf hash is verified with the entry read from the registry, which must hash to it', async () => {
  const r = await registry();
  const answer = await r.answer(1, 'ngo-b', r.hashes[1]);

  const ok = await verifyAccountCheck(answer, r.key.vkey, { number: '0011002233', fetchEntry: async () => ({ leaf: r.leaves[1] }) });
  const lied = verifyAccountCheck(answer, r.key.vkey, { number: '0011002233', fetchEntry: async () => ({ leaf: r.leaves[0] }) });
  const cannot = verifyAccountCheck(answer, r.key.vkey, { number: '0011002233' });

  assert.equal(ok.seq, 1);
  await assert.rejects(lied, VerifyError);
  await assert.rejects(cannot, VerifyError);
});

test('a registered answer is refused when anything in it does not hold', async () => {
  const r = await registry();
  const other = await makeKey('platform.example/registry');
  const asked = { number: '0011002233' };
  const cases = {
    'signed by another key': async () => [await r.answer(1, 'ngo-b'), other.vkey],
    'an entry about another organisation': async () => [await r.answer(1, 'ngo-a'), r.key.vkey],
    'an entry that does not list the account': async () => [await r.answer(0, 'ngo-a'), r.key.vkey],
    'an entry of another kind': async () => [await r.answer(3, 'ngo-a'), r.key.vkey],
    'a changed leaf': async () => [await r.answer(1, 'ngo-b', r.leaves[1].replace('Vietcombank', 'Vietinbank')), r.key.vkey],
    'the proof of another entry': async () => {
      const a = await r.answer(1, 'ngo-b');
      a.registry.proof = (await r.answer(0, 'ngo-b')).registry.proof;
      a.registry.proof[0] = r.hashes[3];
      return [a, r.key.vkey];
    },
    'a root the checkpoint does not sign': async () => {
      const a = await r.answer(1, 'ngo-b');
      a.registry.root = r.hashes[0];
      return [a, r.key.vkey];
    },
    'another position than the leaf': async () => {
      const a = await r.answer(1, 'ngo-b');
      a.registry.seq = 0;
      return [a, r.key.vkey];
    },
    'no registry part': async () => [{ registered: true, org: { slug: 'ngo-b' } }, r.key.vkey],
  };
  for (const [what, make] of Object.entries(cases)) {
    const [answer, key] = await make();
    await assert.rejects(verifyAccountCheck(answer, key, asked), VerifyError, what);
  }
});
