// The web page's files (http::WebRoot): paths that stay inside the folder, MIME types, the
// caching rule and ETags, on a real folder with a symbolic link out of it.
#include "http/WebRoot.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace ha {

using http::WebRoot;

class WebRootTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WebRootTest);
    CPPUNIT_TEST(testRelativePaths);
    CPPUNIT_TEST(testTypesAndCaching);
    CPPUNIT_TEST(testServesOnlyFilesInside);
    CPPUNIT_TEST(testEtagFollowsTheContent);
    CPPUNIT_TEST_SUITE_END();

    std::string dir_;

    void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

public:
    void setUp() override {
        char tmpl[] = "/tmp/ha-webroot-XXXXXX";
        dir_ = mkdtemp(tmpl);
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((dir_ + "/web").c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((dir_ + "/web/js").c_str(), 0755));
        write(dir_ + "/web/index.html", "<!doctype html>");
        write(dir_ + "/web/js/app.js", "export {};");
        write(dir_ + "/web/.hidden.js", "no");
        write(dir_ + "/web/notes.bak", "no");
        write(dir_ + "/secret.txt", "outside");
        CPPUNIT_ASSERT_EQUAL(0, ::symlink((dir_ + "/secret.txt").c_str(), (dir_ + "/web/out.txt").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, ::symlink("index.html", (dir_ + "/web/home.html").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, ::symlink(dir_.c_str(), (dir_ + "/web/up").c_str()));
    }
    void tearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

    void testRelativePaths() {
        CPPUNIT_ASSERT_EQUAL(std::string("index.html"), *WebRoot::relativePath("/"));
        CPPUNIT_ASSERT_EQUAL(std::string("js/app.js"), *WebRoot::relativePath("/js/app.js"));
        for (const char* bad : {"", "js/app.js", "/../x", "/js/../index.html", "/./index.html", "/js//app.js", "/js/",
                                "/.git/config", "/a\\b.js", "/a\x01.js", "/.."}) {
            CPPUNIT_ASSERT_MESSAGE(bad, !WebRoot::relativePath(bad));
        }
        CPPUNIT_ASSERT(!WebRoot::relativePath(std::string("/a\0b.js", 7)));
    }

    void testTypesAndCaching() {
        CPPUNIT_ASSERT_EQUAL(std::string("text/html; charset=utf-8"), std::string(WebRoot::contentType("index.html")));
        CPPUNIT_ASSERT_EQUAL(std::string("text/javascript; charset=utf-8"), std::string(WebRoot::contentType("js/app.js")));
        CPPUNIT_ASSERT_EQUAL(std::string("text/css; charset=utf-8"), std::string(WebRoot::contentType("app.css")));
        CPPUNIT_ASSERT_EQUAL(std::string("image/svg+xml"), std::string(WebRoot::contentType("icon.svg")));
        CPPUNIT_ASSERT(WebRoot::contentType("notes.bak") == nullptr);
        CPPUNIT_ASSERT(WebRoot::contentType("Makefile") == nullptr);
        CPPUNIT_ASSERT(WebRoot::contentType("js.d/noext") == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("no-cache"), WebRoot::cacheControl("index.html"));
        CPPUNIT_ASSERT_EQUAL(std::string("no-cache"), WebRoot::cacheControl("js/app.js"));
        CPPUNIT_ASSERT_EQUAL(std::string("no-cache"), WebRoot::cacheControl("js/app.min.js"));
        CPPUNIT_ASSERT_EQUAL(std::string("public, max-age=31536000, immutable"), WebRoot::cacheControl("js/app.3f2a9c1e.js"));
        CPPUNIT_ASSERT_EQUAL(std::string("no-cache"), WebRoot::cacheControl("js/app.3f2a9c.js"));  // too short a hash
    }

    void testServesOnlyFilesInside() {
        const WebRoot root(dir_ + "/web");
        CPPUNIT_ASSERT(root.find("/"));
        CPPUNIT_ASSERT_EQUAL(std::string("<!doctype html>"), root.find("/")->content);
        CPPUNIT_ASSERT_EQUAL(std::string("export {};"), root.find("/js/app.js")->content);
        CPPUNIT_ASSERT(root.find("/home.html"));       // a link inside the folder
        CPPUNIT_ASSERT(!root.find("/out.txt"));        // a link out of it
        CPPUNIT_ASSERT(!root.find("/up/secret.txt"));  // through a linked directory
        CPPUNIT_ASSERT(!root.find("/../secret.txt"));
        CPPUNIT_ASSERT(!root.find("/.hidden.js"));
        CPPUNIT_ASSERT(!root.find("/notes.bak"));     // not a type of the page
        CPPUNIT_ASSERT(!root.find("/js"));            // a directory
        CPPUNIT_ASSERT(!root.find("/missing.js"));
        CPPUNIT_ASSERT(!WebRoot("").find("/"));
        CPPUNIT_ASSERT(!WebRoot(dir_ + "/nowhere").find("/"));
    }

    void testEtagFollowsTheContent() {
        const WebRoot root(dir_ + "/web");
        const std::string first = root.find("/js/app.js")->etag;
        CPPUNIT_ASSERT_EQUAL(size_t(34), first.size());
        CPPUNIT_ASSERT_EQUAL('"', first.front());
        CPPUNIT_ASSERT_EQUAL(first, root.find("/js/app.js")->etag);
        write(dir_ + "/web/js/app.js", "export const changed = 1;");
        CPPUNIT_ASSERT(first != root.find("/js/app.js")->etag);
        CPPUNIT_ASSERT_EQUAL(std::string("export const changed = 1;"), root.find("/js/app.js")->content);
    }

};

CPPUNIT_TEST_SUITE_REGISTRATION(WebRootTest);

}  // namespace ha
