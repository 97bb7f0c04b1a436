// The blog's GraphQL schema, written with fraiseql-ts's TypeScript authoring API.
// `fraiseql-ts compile` turns it into FraiseQL's schema.json and the compiled schema;
// `fraiseql-ts serve` compiles it on start.
import { defineSchema, mutation, query, type } from 'fraiseql-ts';

const Author = type('Author', {
  description: 'The public identity of a post or comment author.',
  fields: { id: 'ID!', name: 'String!' },
});

const Comment = type('Comment', {
  fields: { id: 'ID!', body: 'String!', createdAt: 'DateTime!', author: 'Author' },
});

const Post = type('Post', {
  sqlSource: 'v_post',
  description: 'A blog post. Drafts (published = false) are visible to their author only.',
  fields: {
    id: 'ID!',
    title: 'String!',
    body: 'String!',
    published: 'Boolean!',
    createdAt: 'DateTime!',
    // Nullable: row-level security may hide the author's row from a caller.
    author: 'Author',
    comments: '[Comment!]!',
  },
});

const User = type('User', {
  sqlSource: 'v_user',
  fields: { id: 'ID!', email: 'String!', name: 'String!', createdAt: 'DateTime!' },
});

export default defineSchema({
  types: [Author, Comment, Post, User],
  queries: [
    // Open to everybody, token or not: published posts only (the view filters them).
    query('public_posts', {
      returns: '[Post!]!',
      sqlSource: 'v_public_post',
      public: true,
      description: 'Published posts, for everyone.',
    }),
    // Needs the read:posts scope. The caller's id reaches the database as app.user_id, which
    // the row-level security policy on tb_post reads: published posts plus the caller's drafts.
    query('posts', {
      returns: '[Post!]!',
      sqlSource: 'v_post',
      requiresScope: 'read:posts',
      inject: { user_id: 'jwt:sub' },
      description: 'Posts the caller may read: all published ones and their own drafts.',
    }),
    // The caller's own posts: v_user_post has a user_id column, so the injected `sub` also
    // filters on it, whatever `where` the client sends.
    query('user_posts', {
      returns: '[Post!]!',
      sqlSource: 'v_user_post',
      requiresScope: 'read:posts',
      inject: { user_id: 'jwt:sub' },
      description: "The caller's own posts, drafts included.",
    }),
    // Needs the database permission read:users (role staff, see migrations/007): checked
    // against fraiseql_auth for the token's subject on every call, so a grant made with
    // `fraiseql-ts rbac grant` applies to the next request without a new token.
    query('users', {
      returns: '[User!]!',
      sqlSource: 'v_user',
      requiresPermission: 'read:users',
      description: 'Every user of the blog, for staff.',
    }),
    query('user_by_email', {
      returns: 'User',
      sqlSource: 'v_user',
      args: { email: 'String!' },
      // Maps an address to a user's id and name: not for every caller, or it would let anyone
      // with a token enumerate accounts.
      requiresScope: 'read:users',
      description: 'A user by email address (bound as a parameter, never spliced into SQL).',
    }),
  ],
  mutations: [
    mutation('create_post', {
      returns: 'Post!',
      sqlSource: 'fn_create_post',
      args: { title: 'String!', body: 'String!', published: 'Boolean' },
      inject: { user_id: 'jwt:sub' },
      requiresScope: 'write:posts',
      operation: 'CREATE',
      description: 'Writes a post as the caller. Returns FraiseQL mutation_response.',
    }),
    mutation('publish_post', {
      returns: 'Post!',
      sqlSource: 'fn_publish_post',
      args: { id: 'ID!' },
      inject: { user_id: 'jwt:sub' },
      requiresScope: 'write:posts',
      operation: 'UPDATE',
      description: "Publishes one of the caller's drafts. Returns plain JSONB.",
    }),
  ],
});
