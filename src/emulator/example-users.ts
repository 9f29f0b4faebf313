import type { EmulatorStore, SeedUser } from './store.js';

/** A small, believable org for the sandbox: a manager chain, every user state and one group. */
const EXAMPLES: readonly SeedUser[] = [
  {
    username: 'ada.lovelace',
    email: 'ada.lovelace@example.com',
    firstname: 'Ada',
    lastname: 'Lovelace',
    displayname: 'Ada Lovelace',
    jobTitle: 'Head of Engineering',
    department: 'Engineering',
    employeeIdentifier: 'E1001',
    password: 'set',
  },
  {
    username: 'grace.hopper',
    email: 'grace.hopper@example.com',
    firstname: 'Grace',
    lastname: 'Hopper',
    displayname: 'Grace Hopper',
    jobTitle: 'Staff Engineer',
    department: 'Engineering',
    employeeIdentifier: 'E1002',
    phoneNumbers: [{ type: 'work', number: '+1 555 0102' }],
    addresses: [{ type: 'work', locality: 'Arlington', region: 'VA', country: 'US' }],
    attributes: [{ name: 'costCenterCode', value: 'ENG-42' }],
  },
  {
    username: 'alan.turing',
    email: 'alan.turing@example.com',
    firstname: 'Alan',
    lastname: 'Turing',
    displayname: 'Alan Turing',
    jobTitle: 'Research Engineer',
    department: 'Research',
    employeeIdentifier: 'E1003',
    state: 'STAGED',
  },
  {
    username: 'katherine.johnson',
    email: 'katherine.johnson@example.com',
    firstname: 'Katherine',
    lastname: 'Johnson',
    displayname: 'Katherine Johnson',
    jobTitle: 'Analyst',
    department: 'Research',
    employeeIdentifier: 'E1004',
    state: 'SUSPENDED',
  },
];

const EXAMPLE_GROUP = { name: 'Engineering', description: 'Example group seeded by the JumpCloud emulator' };

/** Idempotent, so a sandbox restarted on its state file does not grow duplicates. */
export function seedExampleUsers(store: EmulatorStore): void {
  for (const example of EXAMPLES) {
    if (store.findUserByUsername(example.username)) continue;
    const { password, ...profile } = example;
    const user = store.addUser(profile);
    if (password !== undefined) {
      user['password_date'] = user.created;
      user.activated = user.state !== 'STAGED';
    }
  }
  const ada = store.findUserByUsername('ada.lovelace');
  const grace = store.findUserByUsername('grace.hopper');
  if (ada && grace && grace.manager === undefined) grace.manager = ada._id;

  let group = [...store.groups.values()].find((candidate) => candidate.name === EXAMPLE_GROUP.name);
  group ??= store.addGroup(EXAMPLE_GROUP);
  for (const member of [ada, grace]) if (member) store.addMember(group.id, member._id);
  store.save();
}
