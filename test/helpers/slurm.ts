/** Whether tests can use a Slurm cluster from here (`sinfo` answers quickly), and what sets one up. */
import { spawnSync } from "node:child_process";

/** The reason no Slurm cluster is usable here, or null when `sinfo` answers. */
export function slurmMissing(): string | null {
  const probe = spawnSync("sinfo", ["-h", "-o", "%P %a"], { encoding: "utf8", timeout: 5000 });
  if (probe.error !== undefined) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? "no Slurm here (run scripts/slurm-local.sh start as root)"
      : `sinfo did not answer (${code ?? probe.error.message}; scripts/slurm-local.sh start)`;
  }
  if (probe.status !== 0) return `sinfo failed: ${probe.stderr.trim()} (scripts/slurm-local.sh start)`;
  if (!/\bup\b/.test(probe.stdout)) return "no Slurm partition is up (scripts/slurm-local.sh start)";
  return null;
}
