/**
 * The lock of sealed workflow versions (contract §13): each sealed folder's files and their sha256.
 * Written by `npm run onegate -- workflows seal <name>@<version>` (the list is JSON, read back by it),
 * checked by `workflows check` and CI; never edited by hand. A sealed version that must change becomes a new version instead.
 */
export interface SealedVersion {
  workflow: string;
  version: number;
  /** The version's folder under workflows/. */
  folder: string;
  /** sha256 of the folder's `sha256sum` listing (the `files` below, sorted by path). */
  sha256: string;
  files: Readonly<Record<string, string>>;
}

export const SEALED: readonly SealedVersion[] = [
  {
    "workflow": "amendment",
    "version": 1,
    "folder": "amendment/v1",
    "files": {
      "documents.ts": "e03e5d95aaae2d53afea22f28553824342cca4e066a540035ffb28e5a27abb6d",
      "index.ts": "128d1441513a4b6ade768e6f9f33deae828f2239673936d06a757df4f63154e8",
      "machine.spec.ts": "afe8bccb344bd2fd539863dfae9180db0109dae3b6055941824e3279b3a6a6f4",
      "machine.ts": "4934e5dffed94f3db16bff6e11ab32df63e247cb99a263306efb45a832fb9a83",
      "rules.ts": "ba85d96ba9a4c4b31c5524e76ebe0860a1e620c5ad8ced25dfcb341ad13969d2",
      "sla.ts": "96c867b6318bb5005d414d2a867851901b04af512a583cab25f8052b66dd5709"
    },
    "sha256": "fa4433db345fd584a1d1f15e901fa3136138e27bfe550c523c73bfc32ae161b4"
  },
  {
    "workflow": "cooperation",
    "version": 1,
    "folder": "cooperation/v1",
    "files": {
      "index.ts": "ba57ad2769a09474aa941a8964f6deb90efcb48b9b3f57fbe04fd3e8203e607b",
      "machine.spec.ts": "7969459e4c27f9571399ea6278e011233db9d282d15ebe17760e4bc98385cd14",
      "machine.ts": "e9a4fb0f35781983d281583737fdb83f6b7eeeafe3ca59c7352544685965a9c8",
      "rules.ts": "e14eee355967a2e7db3bb3e7ab81e21b59d6df149e3a618b585f270f255751ab",
      "sla.ts": "7706a9037eb3dd123122b92067e3895c2b6a7b31bbc9c016bcbac9f6d2ff0e8d"
    },
    "sha256": "6f9bdfa86f6f5868984612f2c320f6786b8acfeada70e241c61ab7e8e100def7"
  },
  {
    "workflow": "cooperation",
    "version": 2,
    "folder": "cooperation/v2",
    "files": {
      "documents.ts": "2e4702559920c97643bf69b375c7b0fd2d28a9922138f079fb907ff70e2d072b",
      "index.ts": "31a08beef03848fd55826ccfd37a3d487a0866919eac39188702c404c93d631f",
      "machine.spec.ts": "b019c4c69245cf1866131100e230d4ddff25769e6452d433bb5d7d5bef14f64d",
      "machine.ts": "7c07aa83d5f214b99d21a94ce0d75408bd93d41355bf2466a481ac74573c2246",
      "rules.ts": "dc106d97cf457146647ff951a5226c3d31a151b5bdc4d1afd575eccc7396f24b",
      "sla.ts": "c5f25f0174b19b8a5b44af4fb69afbb8151f259086f83fdb7909b27487645dd6"
    },
    "sha256": "5bce3e131c40b80f01602f294e23a27e90dde37f40f33ca5ba2d872390144de4"
  },
  {
    "workflow": "cooperation",
    "version": 3,
    "folder": "cooperation/v3",
    "files": {
      "documents.ts": "65861ba762937bb50b80563aade718ed75d7bc6df418268d08a9de92f227ee82",
      "index.ts": "08ab4892f23d925dacf702fe6c9c8b429abc0bec2a208c7dd93bb11481d25f90",
      "machine.spec.ts": "5fa5d217ceb1c65180fc0d130e444c5f9ea688543f6690ca8f9af46dfe396a9b",
      "machine.ts": "8ff9b03719273dca0b5773933ac67bd0ebaabbb74c6060685b121f078eb729f3",
      "rules.ts": "af59ecc5d82fe536218b61e37a1fa777fba934d4c771ca0dab3102ff07cd8fc8",
      "sla.ts": "f72510be2f990567e70e885aba41f28dade155c291edb65c3d409cbd7fcb1b82"
    },
    "sha256": "10cff2bdee3c39a659fc1bac5505ff85addefda811b5fbb92695dfc3d35f5273"
  },
  {
    "workflow": "evaluation",
    "version": 1,
    "folder": "evaluation/v1",
    "files": {
      "documents.ts": "d2e930496d2bcb084457eefbc9a4d24d4477413359c3a56b664c2ee06fd9aa8b",
      "index.ts": "acfc4e995e7d28d37c0c7937e9efac71c440bcd1d992e25df3ccd0af21ab6057",
      "machine.spec.ts": "6b85e8bde67c9946557cd28bddef4386f44b45e895524f5dddd0d1ee33f4975f",
      "machine.ts": "114c643a22e1d753d0b44e5c2b47daf46babefd27565a3e65e58d6ef722bb2a6",
      "rules.ts": "5a8876fb986c2ebdb9db11d9d22581148fc4c11df3269aa3a1a6ae162cb03578",
      "sla.ts": "a75ca2ae5e8c1402c37169f64f480708f73bb465ee99be3c21214a93f7bc10e1"
    },
    "sha256": "76b9776f20d22e84538f1aa18ee606488c77e51400616c708df6465b6816246e"
  }
];
