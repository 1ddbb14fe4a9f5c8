import type { Artifacts, BuildInfo } from "hardhat/types";

/** Build infos read once each: one is tens of megabytes of JSON, and every source of a compile job shares it. */
export class BuildInfos {
  private readonly loaded: BuildInfo[] = [];

  constructor(private readonly artifacts: Artifacts) {}

  /** The build that compiled `fullyQualifiedName` (source:Contract). */
  async of(fullyQualifiedName: string): Promise<BuildInfo> {
    const source = fullyQualifiedName.split(":")[0];
    const cached = this.loaded.find((build) => build.output.sources[source] !== undefined);
    if (cached !== undefined) return cached;
    const build = await this.artifacts.getBuildInfo(fullyQualifiedName);
    if (build === undefined) throw new Error(`No build info for ${fullyQualifiedName}; run npx hardhat compile.`);
    this.loaded.push(build);
    return build;
  }
}
