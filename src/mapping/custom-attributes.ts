import type { SystemUser } from '../jumpcloud/types.js';

/**
 * `attributes.<name>`: how config/mapping.json names a value kept outside JumpCloud's fields, for users one
 * element of the `attributes` list ({name, value}), for groups one key of the `attributes` object. A name is what
 * JumpCloud accepts as a custom attribute name: a letter, then up to 63 letters, digits or underscores.
 */
const CUSTOM_TARGET = /^attributes\.([A-Za-z][A-Za-z0-9_]{0,63})$/;

export type CustomTarget = `attributes.${string}`;

/** The custom attribute a mapping target names, if it names one. */
export const customAttributeName = (target: string): string | undefined => CUSTOM_TARGET.exec(target)?.[1];

/** The mapping target of a custom attribute: the inverse of `customAttributeName`. */
export const customTarget = (name: string): CustomTarget => `attributes.${name}`;

/** A user's custom attributes by name, each value as text (JumpCloud may store a number or nothing). */
export function customValues(user: SystemUser): Map<string, string> {
  return new Map(
    (user.attributes ?? []).filter((a) => typeof a?.name === 'string').map((a) => [a.name, String(a.value ?? '')]),
  );
}
