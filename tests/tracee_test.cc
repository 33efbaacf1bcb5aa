// ReadString and ReadArgv through process_vm_readv, on this process's own
// memory laid out to cross page boundaries and to hit unmapped pages.
#include "tracer/tracee.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace warden {
namespace {

// TwoPages maps two pages and unmaps the second when asked, so reads that
// run into it fail as they would on a tracee's guard page.
class TwoPages {
 public:
  TwoPages() {
    base_ = static_cast<char*>(mmap(nullptr, 2 * kPage, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  }
  ~TwoPages() { munmap(base_, 2 * kPage); }
  char* at(size_t offset) { return base_ + offset; }
  void DropSecond() { munmap(base_ + kPage, kPage); }
  static constexpr size_t kPage = 4096;

 private:
  char* base_;
};

uint64_t Address(const void* p) { return reinterpret_cast<uint64_t>(p); }

TEST(ReadString, CrossesAPageBoundary) {
  TwoPages pages;
  char* s = pages.at(TwoPages::kPage - 3);
  memcpy(s, "abcdef", 7);
  EXPECT_EQ(ReadString(getpid(), Address(s)), "abcdef");
}

TEST(ReadString, FailsIntoAnUnmappedPageAndOnNull) {
  TwoPages pages;
  char* s = pages.at(TwoPages::kPage - 3);
  memcpy(s, "abc", 3);  // no NUL before the second page
  pages.DropSecond();
  EXPECT_FALSE(ReadString(getpid(), Address(s)).has_value());
  EXPECT_FALSE(ReadString(getpid(), 0).has_value());
}

TEST(ReadString, RefusesAStringOfMaxBytesOrMore) {
  std::string long_one(5000, 'x');
  errno = 0;
  EXPECT_FALSE(ReadString(getpid(), Address(long_one.c_str()), 4096).has_value());
  EXPECT_EQ(errno, ENAMETOOLONG);
  std::string fits(4095, 'y');
  EXPECT_EQ(ReadString(getpid(), Address(fits.c_str()), 4096), fits);
}

TEST(ReadArgv, ReadsEveryArgumentWhereverItLies) {
  TwoPages pages, other;
  // The pointer array runs into its second page; the strings lie in its
  // first page, across another mapping's page boundary and on the heap.
  std::string heap = "on-the-heap";
  char* a = pages.at(10);
  memcpy(a, "first", 6);
  char* b = other.at(TwoPages::kPage - 2);
  memcpy(b, "split", 6);
  auto** argv = reinterpret_cast<const char**>(pages.at(TwoPages::kPage - 16));
  argv[0] = a;
  argv[1] = b;
  argv[2] = heap.c_str();
  argv[3] = nullptr;
  EXPECT_EQ(ReadArgv(getpid(), Address(argv)),
            (std::vector<std::string>{"first", "split", "on-the-heap"}));
}

TEST(ReadArgv, MarksUnreadableArgumentsAndCutsLongLists) {
  std::vector<const char*> argv = {"a", reinterpret_cast<const char*>(8), "c",
                                   "d", nullptr};
  EXPECT_EQ(ReadArgv(getpid(), Address(argv.data())),
            (std::vector<std::string>{"a", "?", "c", "d"}));
  EXPECT_EQ(ReadArgv(getpid(), Address(argv.data()), 2),
            (std::vector<std::string>{"a", "?", "…"}));
}

TEST(ReadArgv, StopsAtAnUnmappedPointerArray) {
  TwoPages pages;
  auto** argv = reinterpret_cast<const char**>(pages.at(TwoPages::kPage - 8));
  argv[0] = "only";
  pages.DropSecond();
  EXPECT_EQ(ReadArgv(getpid(), Address(argv)), (std::vector<std::string>{"only"}));
}

}  // namespace
}  // namespace warden
