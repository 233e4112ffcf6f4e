// CppUnit runner: all registered suites, or those named on the command line.
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <Poco/Logger.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/NullChannel.h>

#include <iostream>
#include <stdexcept>

int main(int argc, char** argv) {
    // Plugin and loader logs are not part of the test output.
    Poco::Logger::root().setChannel(new Poco::NullChannel);
    Poco::Net::initializeSSL();

    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    CppUnit::BriefTestProgressListener progress;
    controller.addListener(&progress);

    CppUnit::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    try {
        runner.run(controller, argc > 1 ? argv[1] : "");  // e.g. "PolicyTest" or "PolicyTest::testGlob"
    } catch (const std::invalid_argument& e) {
        std::cerr << "no such test: " << (argc > 1 ? argv[1] : "") << "\n";
        return 2;
    }
    CppUnit::CompilerOutputter(&result, std::cerr).write();
    Poco::Net::uninitializeSSL();
    return result.wasSuccessful() ? 0 : 1;
}
