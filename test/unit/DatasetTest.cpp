//===- DatasetTest.cpp - IDX and tensor-folder sample reading -------------===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#include "whittle/Support/Dataset.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

using namespace whittle;

namespace {

/// A fresh temporary folder, removed with its files at the end of the test.
class DatasetTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("whittle-dataset", directory));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(directory); }

  std::string path(llvm::StringRef name) {
    llvm::SmallString<128> result(directory);
    llvm::sys::path::append(result, name);
    return std::string(result);
  }

  void writeRaw(const std::string &file, const std::vector<uint8_t> &bytes) {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  }

  void writeGzip(const std::string &file, const std::vector<uint8_t> &bytes) {
    gzFile out = gzopen(file.c_str(), "wb");
    gzwrite(out, bytes.data(), bytes.size());
    gzclose(out);
  }

  llvm::SmallString<128> directory;
};

/// Two 2x3 unsigned-byte images, written as MNIST's files are.
std::vector<uint8_t> twoImages() {
  std::vector<uint8_t> bytes = {0, 0, 0x08, 3, 0, 0, 0, 2,
                                0, 0, 0,    2, 0, 0, 0, 3};
  for (int i = 0; i < 12; ++i)
    bytes.push_back(i == 11 ? 255 : i);
  return bytes;
}

TEST_F(DatasetTest, CompressedImagesBecomeScaledFloatsWithAChannel) {
  writeGzip(path("images-idx3-ubyte.gz"), twoImages());
  writeRaw(path("labels-idx1-ubyte"), {0, 0, 0x08, 1, 0, 0, 0, 2, 7, 3});
  auto dataset =
      loadDataset(path("images-idx3-ubyte.gz"), path("labels-idx1-ubyte"));
  ASSERT_TRUE(static_cast<bool>(dataset)) << toString(dataset.takeError());
  EXPECT_EQ(dataset->samples.dataType, 1);
  EXPECT_EQ(dataset->samples.shape, (llvm::SmallVector<int64_t>{2, 1, 2, 3}));
  const auto *pixels =
      reinterpret_cast<const float *>(dataset->samples.data.data());
  EXPECT_FLOAT_EQ(pixels[1], 1.0f / 255.0f);
  EXPECT_FLOAT_EQ(pixels[11], 1.0f);
  EXPECT_EQ(*dataset->labels, (std::vector<int64_t>{7, 3}));

  HostTensor second = dataset->getBatch(1, 5);
  EXPECT_EQ(second.shape, (llvm::SmallVector<int64_t>{1, 1, 2, 3}));
  EXPECT_FLOAT_EQ(reinterpret_cast<const float *>(second.data.data())[0],
                  6.0f / 255.0f);
}

TEST_F(DatasetTest, LimitKeepsTheFirstSamples) {
  writeRaw(path("images-idx3-ubyte"), twoImages());
  auto dataset = loadDataset(path("images-idx3-ubyte"), "", 1);
  ASSERT_TRUE(static_cast<bool>(dataset)) << toString(dataset.takeError());
  EXPECT_EQ(dataset->size(), 1);
  EXPECT_EQ(dataset->samples.data.size(), 6 * sizeof(float));
}

TEST_F(DatasetTest, MultiByteElementsAreBigEndian) {
  writeRaw(path("values-idx1-int"),
           {0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFE});
  auto tensor = readIDXFile(path("values-idx1-int"));
  ASSERT_TRUE(static_cast<bool>(tensor)) << toString(tensor.takeError());
  const auto *values = reinterpret_cast<const int32_t *>(tensor->data.data());
  EXPECT_EQ(values[0], 258);
  EXPECT_EQ(values[1], -2);
}

TEST_F(DatasetTest, TruncatedDataIsAnError) {
  std::vector<uint8_t> bytes = twoImages();
  bytes.pop_back();
  writeRaw(path("short-idx3-ubyte"), bytes);
  auto dataset = loadDataset(path("short-idx3-ubyte"));
  ASSERT_FALSE(static_cast<bool>(dataset));
  EXPECT_NE(toString(dataset.takeError()).find("header promises 12"),
            std::string::npos);
}

TEST_F(DatasetTest, BadMagicAndLabelCountAreErrors) {
  writeRaw(path("bad-idx"), {1, 2, 3, 4});
  auto bad = loadDataset(path("bad-idx"));
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_NE(toString(bad.takeError()).find("bad magic"), std::string::npos);

  writeRaw(path("images-idx3-ubyte"), twoImages());
  writeRaw(path("labels-idx1-ubyte"), {0, 0, 0x08, 1, 0, 0, 0, 1, 7});
  auto mismatch =
      loadDataset(path("images-idx3-ubyte"), path("labels-idx1-ubyte"));
  ASSERT_FALSE(static_cast<bool>(mismatch));
  EXPECT_NE(toString(mismatch.takeError()).find("1 labels for 2 samples"),
            std::string::npos);
}

TEST_F(DatasetTest, FolderConcatenatesFilesInNameOrder) {
  HostTensor a, b;
  a.dataType = b.dataType = 1;
  a.shape = {1, 2};
  b.shape = {2, 2};
  std::vector<float> aValues = {1, 2}, bValues = {3, 4, 5, 6};
  a.data.assign(reinterpret_cast<char *>(aValues.data()),
                reinterpret_cast<char *>(aValues.data() + 2));
  b.data.assign(reinterpret_cast<char *>(bValues.data()),
                reinterpret_cast<char *>(bValues.data() + 4));
  ASSERT_FALSE(static_cast<bool>(writeNpyFile(b, path("input_1.npy"))));
  ASSERT_FALSE(static_cast<bool>(writeTensorProtoFile(a, path("input_0.pb"))));
  auto dataset = loadDataset(directory);
  ASSERT_TRUE(static_cast<bool>(dataset)) << toString(dataset.takeError());
  EXPECT_EQ(dataset->samples.shape, (llvm::SmallVector<int64_t>{3, 2}));
  const auto *values =
      reinterpret_cast<const float *>(dataset->samples.data.data());
  EXPECT_EQ(std::vector<float>(values, values + 6),
            (std::vector<float>{1, 2, 3, 4, 5, 6}));

  HostTensor wrong = a;
  wrong.shape = {1, 1, 2};
  ASSERT_FALSE(static_cast<bool>(writeNpyFile(wrong, path("input_2.npy"))));
  auto mixed = loadDataset(directory);
  ASSERT_FALSE(static_cast<bool>(mixed));
  EXPECT_NE(toString(mixed.takeError()).find("earlier files hold"),
            std::string::npos);
}

} // namespace
