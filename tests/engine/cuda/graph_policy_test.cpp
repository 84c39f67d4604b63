// When decode batches are captured and replayed as CUDA graphs (runs without a GPU).
#include "backend/cuda/host/graph_policy.h"

#include <gtest/gtest.h>

namespace neox::cuda {
namespace {

TEST(CudaGraphPolicy, SecondSightingCapturesLaterOnesReplay) {
  GraphPolicy p(true);
  const std::vector<uint64_t> step = {1, 2, 3};
  EXPECT_EQ(p.next(step), BatchAction::kEager);
  EXPECT_EQ(p.next(step), BatchAction::kCapture);
  p.captured(true);
  EXPECT_EQ(p.next(step), BatchAction::kReplay);
  EXPECT_EQ(p.next(step), BatchAction::kReplay);
  EXPECT_EQ(p.replays(), 2);
  EXPECT_EQ(p.captures(), 1);
}

TEST(CudaGraphPolicy, OtherBatchesRunEagerlyAndKeepTheGraph) {
  GraphPolicy p(true);
  const std::vector<uint64_t> step = {1, 2, 3}, prompt = {9, 9};
  p.next(step);
  p.next(step);
  p.captured(true);
  EXPECT_EQ(p.next(prompt), BatchAction::kEager);
  EXPECT_EQ(p.next(step), BatchAction::kReplay);  // the graph survives a prompt in between
}

TEST(CudaGraphPolicy, ANewStepShapeIsRecaptured) {
  GraphPolicy p(true);
  const std::vector<uint64_t> a = {1}, b = {2};
  p.next(a);
  p.next(a);
  p.captured(true);
  EXPECT_EQ(p.next(b), BatchAction::kEager);
  EXPECT_EQ(p.next(b), BatchAction::kCapture);
  p.captured(true);
  EXPECT_EQ(p.next(b), BatchAction::kReplay);
  EXPECT_EQ(p.next(a), BatchAction::kEager);  // one graph at a time
}

TEST(CudaGraphPolicy, InvalidateForgetsTheGraph) {
  GraphPolicy p(true);
  const std::vector<uint64_t> step = {5};
  p.next(step);
  p.next(step);
  p.captured(true);
  p.invalidate();
  EXPECT_FALSE(p.has_graph());
  EXPECT_EQ(p.next(step), BatchAction::kEager);
  EXPECT_EQ(p.next(step), BatchAction::kCapture);
}

TEST(CudaGraphPolicy, AFailedCaptureTurnsGraphsOff) {
  GraphPolicy p(true);
  const std::vector<uint64_t> step = {5};
  p.next(step);
  EXPECT_EQ(p.next(step), BatchAction::kCapture);
  p.captured(false);
  EXPECT_FALSE(p.enabled());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p.next(step), BatchAction::kEager);
}

TEST(CudaGraphPolicy, DisabledOrEmptyBatchesAreEager) {
  GraphPolicy off(false);
  const std::vector<uint64_t> step = {5};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(off.next(step), BatchAction::kEager);
  GraphPolicy on(true);
  const std::vector<uint64_t> empty;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(on.next(empty), BatchAction::kEager);
}

TEST(CudaGraphPolicy, KeyWriterWordsAreExact) {
  KeyWriter k;
  int x = 0;
  k.word(7);
  k.ptr(&x);
  k.f32(1.5f);
  ASSERT_EQ(k.words().size(), 3u);
  EXPECT_EQ(k.words()[0], 7u);
  EXPECT_EQ(k.words()[1], reinterpret_cast<uintptr_t>(&x));
  EXPECT_EQ(k.words()[2], 0x3fc00000u);
  k.clear();
  EXPECT_TRUE(k.words().empty());
}

}  // namespace
}  // namespace neox::cuda
