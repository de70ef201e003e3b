// File: adapters/documents/document_names.hpp
//
// The names a document prints (engine/documents/document.hpp DocumentNames),
// read from the configuration's documents: the jurisdiction's communities
// and grids, the catalogue's categories and departments; the committee is
// "<sub-district name>人民调解委员会".
//
//   DocumentNames names = documents::document_names(jurisdiction_doc, catalogue);
#pragma once

#include <boost/json/value.hpp>

#include "engine/directory/catalogue.hpp"
#include "engine/documents/document.hpp"

namespace outpost::documents {

DocumentNames document_names(const boost::json::value& jurisdiction, const Catalogue& catalogue);

}  // namespace outpost::documents
