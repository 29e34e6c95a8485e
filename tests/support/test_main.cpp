// One runner for every CppUnit test program. With no argument it runs all
// registered suites; with a suite name, only that one (CTest registers one
// entry per suite so failures point at the suite).

#include <iostream>

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

int main(int argc, char** argv) {
  CppUnit::TestResult controller;
  CppUnit::TestResultCollector collector;
  controller.addListener(&collector);
  CppUnit::BriefTestProgressListener progress;
  controller.addListener(&progress);

  CppUnit::TestRunner runner;
  runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
  try {
    runner.run(controller, argc > 1 ? argv[1] : "");
  } catch (const std::invalid_argument& e) {
    std::cerr << "no such test: " << (argc > 1 ? argv[1] : "") << "\n";
    return 2;
  }
  CppUnit::CompilerOutputter(&collector, std::cerr).write();
  if (collector.runTests() == 0) {
    std::cerr << "no test ran\n";
    return 2;
  }
  return collector.wasSuccessful() ? 0 : 1;
}
