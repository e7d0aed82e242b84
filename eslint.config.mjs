// Import boundaries between the deployables (issue 21): each package is reached only through its
// entry (`@stream-smarts/<name>`, its package.json "exports"), never by a path into its folder, and
// the dependency direction is contracts ← notifier, pi-collector ← cli. Types are checked by tsc,
// unused code by knip; this config holds the boundaries only.
import tseslint from 'typescript-eslint';

const PACKAGES = ['cli', 'notifier', 'pi-collector', 'contracts'];

/** The rule for one package's src: no path into another package, and none of the packages it must not depend on. */
function boundaries(pkg, forbidden) {
  return {
    files: [`${pkg}/src/**/*.ts`],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${PACKAGES.filter((p) => p !== pkg).join('|')})/`,
              message: 'import another package through its entry (@stream-smarts/<name>), not by a path into its folder',
            },
            { regex: '^@stream-smarts/[a-z-]+/', message: 'import a package by its entry only (@stream-smarts/<name>): its internals are not its interface' },
            ...(forbidden.length > 0 ? [{ regex: `^@stream-smarts/(${forbidden.join('|')})$`, message: `${pkg} must not depend on ${forbidden.join(' or ')} (contracts ← notifier, pi-collector ← cli)` }] : []),
          ],
        },
      ],
    },
  };
}

export default [
  { ignores: ['**/dist/**', '**/target/**', 'bench/data/**'] },
  boundaries('contracts', ['cli', 'notifier', 'pi-collector']),
  boundaries('notifier', ['cli', 'pi-collector']),
  boundaries('pi-collector', ['cli', 'notifier']),
  boundaries('cli', []),
];
