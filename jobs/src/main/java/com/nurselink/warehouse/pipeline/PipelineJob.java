package com.nurselink.warehouse.pipeline;

import com.nurselink.warehouse.util.SideBySide;

/** One job of the nightly pipeline: reads its inputs from the lake or the sources, writes its outputs. */
public interface PipelineJob {
  /** The job id (as in {@link com.nurselink.warehouse.ops.JobGraph}). */
  String id();

  JobResult run(RunContext ctx) throws Exception;

  /** Whether the job writes independent tables side by side when its context allows it ({@link SideBySide}). */
  default boolean writesSideBySide() {
    return false;
  }
}
