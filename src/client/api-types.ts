/**
 * The bookshelf API's types, generated from its OpenAPI document by openapi-typescript
 * (`npm run client:types`). Do not edit: change the routes and run the script again.
 */
export interface paths {
    "/authors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List authors: filtered, ordered, paginated
         * @description The guide’s GET /authors. A plain array; a full page carries `Link: <…>; rel="next"` to the next one. Filters: `column=v`, `column.gt|gte|lt|lte=v`, `column.in=a,b` on indexed columns (docs/resources.md).
         */
        get: operations["listAuthors"];
        put?: never;
        /**
         * Create a row of authors
         * @description Returns the stored row; `Location` names it. A foreign key naming no row is a 422 at its field.
         */
        post: operations["createAuthor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/authors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One row of authors
         * @description The row with this key (id).
         */
        get: operations["getAuthor"];
        put?: never;
        post?: never;
        /**
         * Delete a row of authors
         * @description A row other rows still refer to (a foreign key without ON DELETE CASCADE) is a 409.
         */
        delete: operations["deleteAuthor"];
        options?: never;
        head?: never;
        /**
         * Change some fields of a row of authors
         * @description Fields left out keep their values.
         */
        patch: operations["updateAuthor"];
        trace?: never;
    };
    "/authors/{id}/with-books": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One row of authors with its books (one SQL query)
         * @description The row, and under `books` the books rows whose author_id name it, in key order, at most 1000.
         */
        get: operations["getAuthorWithBooks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/books": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List books: filtered, ordered, paginated
         * @description A plain array; a full page carries `Link: <…>; rel="next"` to the next one. Filters: `column=v`, `column.gt|gte|lt|lte=v`, `column.in=a,b` on indexed columns (docs/resources.md).
         */
        get: operations["listBooks"];
        put?: never;
        /**
         * Create a row of books
         * @description Returns the stored row; `Location` names it. A foreign key naming no row is a 422 at its field.
         */
        post: operations["createBook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/books/{author_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An author’s books (the guide’s route); [] for an unknown author
         * @description The guide’s route and shape. The books rows whose author_id the path names (`[]` if none): a plain array, filtered and paginated as the list is.
         */
        get: operations["listBooksByAuthor"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/books/by-id/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One row of books
         * @description The row with this key (id).
         */
        get: operations["getBook"];
        put?: never;
        post?: never;
        /**
         * Delete a row of books
         * @description A row other rows still refer to (a foreign key without ON DELETE CASCADE) is a 409.
         */
        delete: operations["deleteBook"];
        options?: never;
        head?: never;
        /**
         * Change some fields of a row of books
         * @description Fields left out keep their values.
         */
        patch: operations["updateBook"];
        trace?: never;
    };
    "/books/by-id/{id}/with-author": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One row of books with its author (one SQL query)
         * @description The row, and under `author` the authors row its author_id names (null if none).
         */
        get: operations["getBookWithAuthor"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The process is up (no database call)
         * @description Liveness: answers without touching the database.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The database answers
         * @description Readiness: one `SELECT 1` on the primary; a 503 while it is away. With read replicas, each one’s state too (a replica that is out does not make the server unready: its reads go to the primary).
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        FieldError: {
            loc: (string | number)[];
            msg: string;
            type: string;
        };
        /** @description RFC 9457 problem details; `errors` names each bad field. */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail?: string;
            errors?: components["schemas"]["FieldError"][];
        };
        Author: {
            id: number;
            name: string;
            bio: string | null;
            /**
             * Format: date-time
             * @example 2026-11-25T23:42:34.545368+00:00
             */
            created_at: string;
            country: string | null;
        };
        NewAuthor: {
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). No control characters; at least one visible character (not only whitespace or zero-width ones). */
            name: string;
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). */
            bio?: string | null;
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). */
            country?: string | null;
        };
        Book: {
            id: number;
            title: string;
            author_id: number;
            /**
             * Format: date-time
             * @example 2026-11-25T23:42:34.545368+00:00
             */
            created_at: string;
        };
        AuthorWithBooks: components["schemas"]["Author"] & {
            books: components["schemas"]["Book"][];
        };
        AuthorChanges: {
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). No control characters; at least one visible character (not only whitespace or zero-width ones). */
            name?: string;
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). */
            bio?: string | null;
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). */
            country?: string | null;
        };
        NewBook: {
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). No control characters; at least one visible character (not only whitespace or zero-width ones). */
            title: string;
            author_id: number;
        };
        BookWithAuthor: components["schemas"]["Book"] & {
            author: {
                id: number;
                name: string;
                bio: string | null;
                /**
                 * Format: date-time
                 * @example 2026-11-25T23:42:34.545368+00:00
                 */
                created_at: string;
                country: string | null;
            } | null;
        };
        BookChanges: {
            /** @description No NUL characters and no unpaired surrogates (\ud800-\udfff escapes). No control characters; at least one visible character (not only whitespace or zero-width ones). */
            title?: string;
            author_id?: number;
        };
        Status: {
            /** @enum {string} */
            status: "ok";
        };
        Readiness: {
            /** @enum {string} */
            status: "ok";
            /** @description Only when DATABASE_READ_URL is set: each read replica’s state. A replica out does not make the server unready. */
            replicas?: {
                /** @description 1-based, in DATABASE_READ_URL’s order */
                replica: number;
                /** @description Takes reads; false: reads go to the primary */
                up: boolean;
                /** @description Why it is out: down, lagging beyond DATABASE_READ_MAX_LAG_MS, not a standby */
                reason?: string;
                /** @description How far behind the primary it was at the last check */
                lag_ms?: number;
            }[];
        };
    };
    responses: {
        /** @description The request is not valid HTTP; or its body is not valid JSON, or not valid UTF-8 */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Another method on this path, which it does not serve */
        MethodNotAllowed: {
            headers: {
                /** @description The methods this path serves */
                Allow: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No bearer token, or not one of API_TOKENS */
        Unauthorized: {
            headers: {
                /** @description Bearer realm="bookshelf" (with error="invalid_token" for a wrong one) */
                "WWW-Authenticate": string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request did not arrive within the server’s time limits (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS) */
        RequestTimeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The database refused the write: a unique, exclusion or foreign-key constraint (named in `errors`) */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is larger than the limit (16 KiB) */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not application/json */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description An `Expect` header the server does not support */
        ExpectationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Invalid path, query or body (field detail in `errors`) */
        ValidationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request headers are too large */
        HeadersTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The database is away; retry after Retry-After seconds */
        DatabaseUnavailable: {
            headers: {
                /** @description Seconds to wait before retrying */
                "Retry-After": number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAuthors: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The last id of the previous page (keyset cursor). */
                after?: number;
                /** @description Rows whose id equals this. */
                id?: number;
                /** @description Comma-separated values; rows whose column has any of them. */
                "id.in"?: number[];
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.gt"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.gte"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.lt"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.lte"?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description authors */
            200: {
                headers: {
                    /** @description On a full page: `<next page>; rel="next"`. Absent on the last page. */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Author"][];
                };
            };
            400: components["responses"]["BadRequest"];
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    createAuthor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewAuthor"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The path of the created resource */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Author"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    getAuthor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The row */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Author"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No authors row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    deleteAuthor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description No authors row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            /** @description Rows of books still refer to it (a foreign key without CASCADE) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    updateAuthor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AuthorChanges"];
            };
        };
        responses: {
            /** @description The changed row */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Author"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description No authors row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    getAuthorWithBooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The row with its books */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthorWithBooks"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No authors row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    listBooks: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The last id of the previous page (keyset cursor). */
                after?: number;
                /** @description Rows whose id equals this. */
                id?: number;
                /** @description Comma-separated values; rows whose column has any of them. */
                "id.in"?: number[];
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.gt"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.gte"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.lt"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.lte"?: number;
                /** @description Rows whose author_id equals this. */
                author_id?: number;
                /** @description Comma-separated values; rows whose column has any of them. */
                "author_id.in"?: number[];
                /** @description Rows whose author_id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "author_id.gt"?: number;
                /** @description Rows whose author_id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "author_id.gte"?: number;
                /** @description Rows whose author_id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "author_id.lt"?: number;
                /** @description Rows whose author_id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "author_id.lte"?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description books */
            200: {
                headers: {
                    /** @description On a full page: `<next page>; rel="next"`. Absent on the last page. */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Book"][];
                };
            };
            400: components["responses"]["BadRequest"];
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    createBook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewBook"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    /** @description The path of the created resource */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    listBooksByAuthor: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The last id of the previous page (keyset cursor). */
                after?: number;
                /** @description Rows whose id equals this. */
                id?: number;
                /** @description Comma-separated values; rows whose column has any of them. */
                "id.in"?: number[];
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.gt"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.gte"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.lt"?: number;
                /** @description Rows whose id is greater than (gt), at least (gte), less than (lt) or at most (lte) this. */
                "id.lte"?: number;
            };
            header?: never;
            path: {
                author_id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description books */
            200: {
                headers: {
                    /** @description On a full page: `<next page>; rel="next"`. Absent on the last page. */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Book"][];
                };
            };
            400: components["responses"]["BadRequest"];
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    getBook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The row */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No books row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    deleteBook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description No books row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["Conflict"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    updateBook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BookChanges"];
            };
        };
        responses: {
            /** @description The changed row */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Book"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description No books row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    getBookWithAuthor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The row with its author */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BookWithAuthor"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No books row with this key */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            422: components["responses"]["ValidationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["DatabaseUnavailable"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Status"];
                };
            };
            400: components["responses"]["BadRequest"];
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            431: components["responses"]["HeadersTooLarge"];
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            400: components["responses"]["BadRequest"];
            405: components["responses"]["MethodNotAllowed"];
            408: components["responses"]["RequestTimeout"];
            417: components["responses"]["ExpectationFailed"];
            431: components["responses"]["HeadersTooLarge"];
            /** @description The database cannot be reached, or this instance is shutting down (SHUTDOWN_DELAY_MS) */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
